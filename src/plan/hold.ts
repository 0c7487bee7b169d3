import { z } from 'zod';
import { msField } from './duration.js';

/** The controllers that turn the concurrency dial (see docs/adaptive-load.md). */
export const CONTROLLER_KINDS = ['pid', 'aimd', 'gradient'] as const;
export type ControllerKind = (typeof CONTROLLER_KINDS)[number];
const setpoint = z.number().positive('must be greater than 0');

/**
 * How a throughput is held by turning the concurrency (the constant-throughput executor and
 * `holdThroughput`): the setpoint, or a schedule of them, the controller and the dial's range.
 */
export const holdFields = {
  /** Completed requests per second to hold. */
  setpointPerSec: setpoint,
  /** pid (default): Little's-law feed-forward plus feedback; aimd: additive increase, multiplicative decrease; gradient: pid under a latency-based ceiling. */
  controller: z.enum(CONTROLLER_KINDS).default('pid'),
  /** Fewest requests in flight on average: below one, a request is in flight that share of the time (a fast target at a low setpoint). */
  minConcurrency: z.number().min(0.001, 'must be at least 0.001').default(0.01),
  maxConcurrency: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000).default(1000),
  /** How often the throughput is measured and the dial turned. */
  tickMs: msField(z.number().int('must be a whole number of ms').min(10, 'must be at least 10 ms').max(10_000, 'must be at most 10 s')).default(250),
  /** Setpoints in turn, each for its duration (the last holds to the end). */
  stages: z
    .array(z.strictObject({ durationMs: msField(z.number().int().positive()), setpointPerSec: setpoint }))
    .min(1, 'needs at least one stage')
    .optional(),
};

/** The min/max order, which zod's fields cannot see one at a time. */
export function checkHoldRange(hold: { minConcurrency: number; maxConcurrency: number }, ctx: z.RefinementCtx): void {
  if (hold.minConcurrency > hold.maxConcurrency)
    ctx.addIssue({ code: 'custom', path: ['minConcurrency'], message: `must not exceed maxConcurrency (${hold.maxConcurrency})` });
}

export const holdOptionsSchema = z.strictObject({ ...holdFields, durationMs: msField(z.number().int().positive()) }).superRefine(checkHoldRange);

export type HoldOptionsInput = z.input<typeof holdOptionsSchema>;
export type HoldOptions = z.output<typeof holdOptionsSchema>;

/** A held load runs for its durationMs, or its stages' when it gives stages and no durationMs. */
export function checkHeldDuration(hold: { durationMs?: number | undefined; stages?: unknown }, ctx: z.RefinementCtx): void {
  if (hold.durationMs === undefined && hold.stages === undefined)
    ctx.addIssue({ code: 'custom', path: ['durationMs'], message: 'is required (or give stages)' });
}

/** The setpoint, or the schedule of them, as one line says it: "200/s" or "100/s → 300/s". */
export function describeSetpoints(
  hold: { setpointPerSec: number; stages?: readonly { setpointPerSec: number }[] | undefined },
  formatRate: (perSecond: number) => string,
): string {
  return hold.stages ? hold.stages.map((stage) => formatRate(stage.setpointPerSec)).join(' → ') : formatRate(hold.setpointPerSec);
}
