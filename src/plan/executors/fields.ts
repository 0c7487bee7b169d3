import { z } from 'zod';
import { msField } from '../duration.js';
import { userMixSchema, type UserMix } from '../user-types.js';

/** Fields that several executor kinds share, so that each says them the same way. */
export const positiveNumber = z.number().positive();
export const durationMs = msField(z.number().int().positive());
/**
 * No generator sends a billion requests a second: each request is at least one TCP segment, and a
 * 400 Gb/s link carries at most ~600 million minimum-size frames a second; over loopback each costs
 * a system call, which no CPU makes in under a nanosecond. A larger rate is a typo (1000000M), and
 * refusing it keeps the schedule's arithmetic far from the limits of float microseconds.
 */
export const MAX_RATE_PER_SEC = 1e9;
const tooFast = 'must be at most 1000M (a billion) requests per second: no machine sends more';
/** A rate a ramp may reach: 0 included. */
export const rampRate = z.number().min(0).max(MAX_RATE_PER_SEC, tooFast);
export const arrivalFields = { ratePerSec: positiveNumber.max(MAX_RATE_PER_SEC, tooFast), durationMs };
export const userCount = z.number().int('must be a whole number').min(0, 'must be 0 or more');
/** Virtual users: each runs its user type's tasks in a loop, waiting between them (the closed model). */
export const userMix = { userTypes: userMixSchema.optional() };

/** The duration of an executor made of stages or phases: theirs added up (so every executor has one). */
export function summedDurationMs(parts: readonly { durationMs: number }[]): number {
  return parts.reduce((sum, part) => sum + part.durationMs, 0);
}

/** The one mix of a virtual-user kind without phases, where the plan holds it. */
export function singleMix(executor: { userTypes?: UserMix | undefined }): { mix: UserMix | undefined; path: (string | number)[] }[] {
  return [{ mix: executor.userTypes, path: ['executor', 'userTypes'] }];
}
