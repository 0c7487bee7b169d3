import { z } from 'zod';
import { durationMs, singleMix, summedDurationMs, userCount, userMix } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'ramping-vus';

/** k6's ramping-vus: the user count moves linearly from startVus to each stage's target over the stage. */
const schema = z
  .strictObject({
    type: z.literal(type),
    startVus: userCount.default(0),
    stages: z.array(z.strictObject({ targetVus: userCount, durationMs })).min(1, 'needs at least one stage'),
    ...userMix,
  })
  .transform((ramp) => ({ ...ramp, durationMs: summedDurationMs(ramp.stages) }));

type RampingVusExecutor = z.output<typeof schema>;

/** The user count at `elapsedMs`: linear within each stage, as k6 ramps it. */
function rampedUsers(executor: RampingVusExecutor, elapsedMs: number): number {
  let from = executor.startVus;
  let stageStartMs = 0;
  for (const stage of executor.stages) {
    if (elapsedMs < stageStartMs + stage.durationMs) {
      return Math.round(from + ((stage.targetVus - from) * (elapsedMs - stageStartMs)) / stage.durationMs);
    }
    from = stage.targetVus;
    stageStartMs += stage.durationMs;
  }
  return from;
}

export const rampingVus = {
  type,
  schema,
  describe: (executor) =>
    `${executor.type} ${[executor.startVus, ...executor.stages.map((stage) => stage.targetVus)].join(' → ')} users over ${executor.stages.length} stage${executor.stages.length === 1 ? '' : 's'} for ${executor.durationMs / 1000}s`,
  targetRatePerSec: () => null,
  peakRatePerSec: () => null,
  users: {
    at: (executor, elapsedMs) => ({ phase: 0, users: rampedUsers(executor, elapsedMs), mix: executor.userTypes, spawnRate: Infinity }),
    peak: (executor) => Math.max(executor.startVus, ...executor.stages.map((stage) => stage.targetVus)),
    mixes: singleMix,
    phaseNames: () => [],
  },
} satisfies ExecutorKind<RampingVusExecutor>;
