import type { CapacityStep } from './types.js';

/** A p99 this many times the lowest one seen means queueing has set in. */
export const KNEE_FACTOR = 2;

/** The highest passing (target-limited) rate whose p99 stayed within KNEE_FACTOR × the lowest p99 of all steps. */
export function kneeOf(steps: readonly CapacityStep[]): number | null {
  const valid = steps.filter((step) => !step.generatorLimited && step.p99Ms > 0);
  if (valid.length === 0) return null;
  const floorMs = Math.min(...valid.map((step) => step.p99Ms));
  const flat = valid.filter((step) => step.passed && step.p99Ms <= KNEE_FACTOR * floorMs);
  return flat.length === 0 ? null : Math.max(...flat.map((step) => step.ratePerSec));
}
