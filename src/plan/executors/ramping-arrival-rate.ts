import { z } from 'zod';
import { durationMs, rampRate, summedDurationMs } from './fields.js';
import type { ExecutorKind } from './kind.js';

export interface RampStage {
  targetRatePerSec: number;
  durationMs: number;
}

const type = 'ramping-arrival-rate';

/**
 * k6's shape: the rate moves linearly from startRatePerSec to each stage's target over the stage.
 * Its durationMs is not given but derived (the sum of the stages), so every executor has one.
 */
const schema = z
  .strictObject({
    type: z.literal(type),
    startRatePerSec: rampRate.default(0),
    stages: z.array(z.strictObject({ targetRatePerSec: rampRate, durationMs })).min(1, 'needs at least one stage'),
  })
  .superRefine((ramp, ctx) => {
    if (ramp.stages.length > 0 && ramp.startRatePerSec === 0 && ramp.stages.every((stage) => stage.targetRatePerSec === 0)) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'every rate is 0, so the ramp would send nothing' });
    }
  })
  .transform((ramp) => ({ ...ramp, durationMs: summedDurationMs(ramp.stages) }));

export type RampingExecutor = z.output<typeof schema>;

/** The requests a ramp sends: the integral of its rate over every stage, rounded up. */
export function requestsOfRamp(startRatePerSec: number, stages: readonly RampStage[]): number {
  let fromRate = startRatePerSec;
  let requests = 0;
  for (const { targetRatePerSec, durationMs: stageMs } of stages) {
    requests += ((fromRate + targetRatePerSec) / 2) * (stageMs / 1000);
    fromRate = targetRatePerSec;
  }
  // Guards 0.1 + 0.2 style sums from adding a request the rates did not ask for.
  return Math.ceil(requests - 1e-9);
}

/** The mean planned rate of a ramp: what it sends over how long it lasts. */
export function meanRateOf(startRatePerSec: number, stages: readonly RampStage[]): number {
  return requestsOfRamp(startRatePerSec, stages) / (summedDurationMs(stages) / 1000);
}

/** The rate a ramp asks for `elapsedMs` into it: on the line between its stage's rates; the last stage's target once it is over. */
export function rampRateAtMs(startRatePerSec: number, stages: readonly RampStage[], elapsedMs: number): number {
  let fromRate = startRatePerSec;
  let stageStartMs = 0;
  for (const { targetRatePerSec, durationMs: stageMs } of stages) {
    if (elapsedMs < stageStartMs + stageMs) return fromRate + ((targetRatePerSec - fromRate) * Math.max(0, elapsedMs - stageStartMs)) / stageMs;
    fromRate = targetRatePerSec;
    stageStartMs += stageMs;
  }
  return fromRate;
}

export const rampingArrivalRate = {
  type,
  schema,
  describe: (executor, formatRate) =>
    `${executor.type} ${[executor.startRatePerSec, ...executor.stages.map((stage) => stage.targetRatePerSec)].map(formatRate).join(' → ')} over ${executor.stages.length} stage${executor.stages.length === 1 ? '' : 's'} for ${executor.durationMs / 1000}s`,
  // A ramp has no one rate: its target is the mean, what it sends over its duration.
  targetRatePerSec: (executor) => meanRateOf(executor.startRatePerSec, executor.stages),
  peakRatePerSec: (executor) => Math.max(executor.startRatePerSec, ...executor.stages.map((stage) => stage.targetRatePerSec)),
  targetRateIsMean: true,
} satisfies ExecutorKind<RampingExecutor>;
