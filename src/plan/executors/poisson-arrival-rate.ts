import { z } from 'zod';
import { arrivalFields } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'poisson-arrival-rate';

const schema = z.strictObject({ type: z.literal(type), ...arrivalFields, seed: z.number().int().min(0).max(0xffffffff) });

/** Arrivals of a Poisson process at the rate: random gaps from a seed, so a run can be repeated. */
export const poissonArrivalRate = {
  type,
  schema,
  describe: (executor, formatRate) => `${executor.type} ${formatRate(executor.ratePerSec)} for ${executor.durationMs / 1000}s (seed ${executor.seed})`,
  targetRatePerSec: (executor) => executor.ratePerSec,
  peakRatePerSec: (executor) => executor.ratePerSec,
} satisfies ExecutorKind<z.output<typeof schema>>;
