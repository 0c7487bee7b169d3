import { z } from 'zod';
import { arrivalFields } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'constant-arrival-rate';

const schema = z.strictObject({ type: z.literal(type), ...arrivalFields });

/** k6's constant-arrival-rate: requests due at fixed intervals, whatever the target is doing. */
export const constantArrivalRate = {
  type,
  schema,
  describe: (executor, formatRate) => `${executor.type} ${formatRate(executor.ratePerSec)} for ${executor.durationMs / 1000}s`,
  targetRatePerSec: (executor) => executor.ratePerSec,
  peakRatePerSec: (executor) => executor.ratePerSec,
} satisfies ExecutorKind<z.output<typeof schema>>;
