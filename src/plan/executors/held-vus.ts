import { z } from 'zod';
import { checkHeldDuration, describeSetpoints, holdFields } from '../hold.js';
import { durationMs, singleMix, summedDurationMs, userMix } from './fields.js';
import type { ExecutorKind } from './kind.js';

const type = 'held-vus';
const wholeUsers = z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000);

/**
 * Virtual users whose number a controller turns to hold a throughput of completed requests
 * (`salvo run scenario.ts --hold`): the closed loop of constant-throughput with whole users as the
 * dial. The duration is the stages' when they are given and it is not.
 */
const schema = z
  .strictObject({
    type: z.literal(type),
    durationMs: durationMs.optional(),
    setpointPerSec: holdFields.setpointPerSec,
    controller: holdFields.controller,
    tickMs: holdFields.tickMs,
    stages: holdFields.stages,
    minVus: wholeUsers.default(1),
    maxVus: wholeUsers.default(100),
    ...userMix,
  })
  .superRefine((shape, ctx) => {
    if (shape.minVus > shape.maxVus) ctx.addIssue({ code: 'custom', path: ['minVus'], message: `must not exceed maxVus (${shape.maxVus})` });
    checkHeldDuration(shape, ctx);
  })
  .transform((shape) => ({ ...shape, durationMs: shape.durationMs ?? summedDurationMs(shape.stages ?? []) }));

type HeldVus = z.output<typeof schema>;

export const heldVus = {
  type,
  schema,
  describe: (executor, formatRate) =>
    `${type} ${describeSetpoints(executor, formatRate)} (${executor.controller}, ${executor.minVus}–${executor.maxVus} users) for ${executor.durationMs / 1000}s`,
  targetRatePerSec: () => null,
  peakRatePerSec: () => null,
  holdsThroughput: true,
  users: {
    // The controller sets the count from the first tick on (the executor's population override); this is where it starts.
    at: (executor) => ({ phase: 0, users: executor.minVus, mix: executor.userTypes, spawnRate: Infinity }),
    peak: (executor) => executor.maxVus,
    mixes: singleMix,
    phaseNames: () => [],
  },
} satisfies ExecutorKind<HeldVus>;
