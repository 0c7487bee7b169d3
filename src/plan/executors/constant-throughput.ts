import { z } from 'zod';
import { checkHeldDuration, checkHoldRange, describeSetpoints, holdFields } from '../hold.js';
import { durationMs, summedDurationMs } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'constant-throughput';

/**
 * A closed loop whose concurrency a controller turns to hold a throughput (`salvo run --hold`): the
 * duration is the stages' when they are given and it is not.
 */
const schema = z
  .strictObject({ type: z.literal(type), durationMs: durationMs.optional(), ...holdFields })
  .superRefine((shape, ctx) => {
    checkHoldRange(shape, ctx);
    checkHeldDuration(shape, ctx);
  })
  .transform((shape) => ({ ...shape, durationMs: shape.durationMs ?? summedDurationMs(shape.stages ?? []) }));

type ConstantThroughput = z.output<typeof schema>;

/** Held throughput: the rate is what it aims at, not what it paces, so it has no target rate of its own. */
export const constantThroughput = {
  type,
  schema,
  describe: (executor, formatRate) =>
    `${type} ${describeSetpoints(executor, formatRate)} (${executor.controller}, ${executor.minConcurrency}–${executor.maxConcurrency} in flight) for ${executor.durationMs / 1000}s`,
  targetRatePerSec: () => null,
  peakRatePerSec: () => null,
  holdsThroughput: true,
} satisfies ExecutorKind<ConstantThroughput>;
