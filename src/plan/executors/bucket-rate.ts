import { z } from 'zod';
import { msField } from '../duration.js';
import { arrivalFields, positiveNumber } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'bucket-rate';

const schema = z
  .strictObject({ type: z.literal(type), ...arrivalFields, bucketMs: msField(positiveNumber).default(100) })
  .superRefine(({ bucketMs, durationMs }, ctx) => {
    // Its one batch would be the whole run's requests at once, all due at time zero: no schedule left to measure.
    if (bucketMs > durationMs)
      ctx.addIssue({
        code: 'custom',
        path: ['bucketMs'],
        message: `a bucket of ${bucketMs} ms is longer than the run (${durationMs} ms): make it at most as long`,
      });
  });

/** Each bucket's requests all due at its start: bursts, as many generators send them. */
export const bucketRate = {
  type,
  schema,
  describe: (executor, formatRate) =>
    `${executor.type} ${formatRate(executor.ratePerSec)} in ${executor.bucketMs}ms buckets for ${executor.durationMs / 1000}s`,
  targetRatePerSec: (executor) => executor.ratePerSec,
  peakRatePerSec: (executor) => executor.ratePerSec,
} satisfies ExecutorKind<z.output<typeof schema>>;
