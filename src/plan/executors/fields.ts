import { z } from 'zod';
import { msField } from '../duration.js';
import { userMixSchema, type UserMix } from '../user-types.js';

/** Fields that several executor kinds share, so that each says them the same way. */
export const positiveNumber = z.number().positive();
export const durationMs = msField(z.number().int().positive());
export const arrivalFields = { ratePerSec: positiveNumber, durationMs };
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
