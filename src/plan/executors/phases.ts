import { z } from 'zod';
import { durationMs, positiveNumber, summedDurationMs, userCount, userMix } from './fields.js';
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
          ...userMix,
        }),
      )
      .min(1, 'needs at least one phase'),
  })
  .transform((shape) => ({ ...shape, durationMs: summedDurationMs(shape.phases) }));

type PhasesExecutor = z.output<typeof schema>;

/** The phase running at `elapsedMs` (the last one once they are all over). */
function phaseAt(executor: PhasesExecutor, elapsedMs: number): number {
  let endMs = 0;
  for (let index = 0; index < executor.phases.length; index++) {
    endMs += executor.phases[index]!.durationMs;
    if (elapsedMs < endMs) return index;
  }
  return executor.phases.length - 1;
}

export const phases = {
  type,
  schema,
  describe: (executor) => `${executor.type}: ${executor.phases.map((phase) => `${phase.users} users (+${phase.spawnRate}/s) for ${phase.durationMs / 1000}s`).join(', then ')}`,
  targetRatePerSec: () => null,
  peakRatePerSec: () => null,
  users: {
    at: (executor, elapsedMs) => {
      const phase = phaseAt(executor, elapsedMs);
      const { users, spawnRate, userTypes } = executor.phases[phase]!;
      return { phase, users, mix: userTypes, spawnRate };
    },
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
