import { z } from 'zod';
import { durationMs, singleMix, userMix } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'constant-vus';

const schema = z.strictObject({ type: z.literal(type), vus: z.number().int('must be a whole number').min(1, 'must be at least 1'), durationMs, ...userMix });

/** k6's constant-vus: the same number of virtual users for the whole run, all started at once. */
export const constantVus = {
  type,
  schema,
  describe: (executor) => `${executor.type} ${executor.vus} users for ${executor.durationMs / 1000}s`,
  targetRatePerSec: () => null,
  peakRatePerSec: () => null,
  users: {
    at: (executor) => ({ phase: 0, users: executor.vus, mix: executor.userTypes, spawnRate: Infinity }),
    peak: (executor) => executor.vus,
    mixes: singleMix,
    phaseNames: () => [],
  },
} satisfies ExecutorKind<z.output<typeof schema>>;
