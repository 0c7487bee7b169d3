import { z } from 'zod';
import { durationMs } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'max-throughput';

const schema = z.strictObject({ type: z.literal(type), durationMs, pipelining: z.number().int().min(1).max(1024).default(1) });

/** The closed loop of wrk and autocannon: every connection sends again as soon as it is answered. */
export const maxThroughput = {
  type,
  schema,
  describe: (executor) => `max-throughput for ${executor.durationMs / 1000}s${executor.pipelining > 1 ? `, pipelining ${executor.pipelining}` : ''}`,
  targetRatePerSec: () => null,
  peakRatePerSec: () => null,
  pipelining: (executor) => executor.pipelining,
} satisfies ExecutorKind<z.output<typeof schema>>;
