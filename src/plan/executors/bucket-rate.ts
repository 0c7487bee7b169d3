import { z } from 'zod';
import { msField } from '../duration.js';
import { arrivalFields, positiveNumber } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'bucket-rate';

const schema = z.strictObject({ type: z.literal(type), ...arrivalFields, bucketMs: msField(positiveNumber).default(100) });

/** Each bucket's requests all due at its start: bursts, as many generators send them. */
export const bucketRate = {
  type,
  schema,
  describe: (executor, formatRate) => `${executor.type} ${formatRate(executor.ratePerSec)} in ${executor.bucketMs}ms buckets for ${executor.durationMs / 1000}s`,
  targetRatePerSec: (executor) => executor.ratePerSec,
  peakRatePerSec: (executor) => executor.ratePerSec,
} satisfies ExecutorKind<z.output<typeof schema>>;
