import { z } from 'zod';
import { phaseStepAt, phaseTimesMs, scheduleDurationMs } from '../phase-schedule.js';
import { durationMs, positiveNumber, userCount, userMix } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'phases';

/** Locust's load shape: phases in sequence, each with its user count, spawn rate and mix of user types. */
const schema = z
  .strictObject({
    type: z.literal(type),
    phases: z
      .array(
        z.strictObject({
          durationMs,
          users: userCount,
          /** Users started (or stopped, when the phase wants fewer) per second until the phase's count is reached. */
          spawnRate: positiveNumber,
          /** The phase's users start afresh: every running user is stopped and the phase spawns from 0 at its rate (a new Locust run per phase, as the Locust wrapper does). */
          restart: z.boolean().optional(),
          ...userMix,
        }),
      )
      .min(1, 'needs at least one phase'),
    /** The phases start over after the last until this much time has passed; a phase begun runs to its end (see plan/phase-schedule.ts). */
    runTimeMs: durationMs.optional(),
  })
  .transform((shape) => ({ ...shape, durationMs: scheduleDurationMs(shape) }));

type PhasesExecutor = z.output<typeof schema>;

export const phases = {
  type,
  schema,
  describe: (executor) =>
    `${executor.type}: ${executor.phases.map((phase) => `${phase.users} users (+${phase.spawnRate}/s) for ${phase.durationMs / 1000}s`).join(', then ')}`,
  targetRatePerSec: () => null,
  peakRatePerSec: () => null,
  users: {
    at: (executor, elapsedMs) => {
      const { phase, step } = phaseStepAt(executor, elapsedMs);
      const { users, spawnRate, userTypes, restart } = executor.phases[phase]!;
      return { phase, step, users, mix: userTypes, spawnRate, restart: restart === true };
    },
    phases: { timesMs: (executor, elapsedMs) => phaseTimesMs(executor, elapsedMs), users: (executor) => executor.phases.map((phase) => phase.users) },
    peak: (executor) => Math.max(...executor.phases.map((phase) => phase.users)),
    mixes: (executor) => executor.phases.map((phase, index) => ({ mix: phase.userTypes, path: ['executor', 'phases', index, 'userTypes'] })),
    phaseNames: (executor) => {
      let startMs = 0;
      return executor.phases.map((phase, index) => {
        const name = `phase ${index + 1} (${phase.users} users, from ${startMs / 1000} s)`;
        startMs += phase.durationMs;
        return name;
      });
    },
  },
} satisfies ExecutorKind<PhasesExecutor>;
