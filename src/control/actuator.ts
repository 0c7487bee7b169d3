import type { ConcurrencyLimits } from './controller.js';

/** How the dial held back the value it was asked for. */
export type Restraint = 'none' | 'up' | 'down';

/**
 * The dial behind a controller: the mean number of requests in flight, within [minConcurrency,
 * maxConcurrency], at most doubling (or adding one, when below one) or halving per tick, so a noisy
 * tick cannot throw it across its range. It is not rounded to whole requests: the sender keeps a
 * fraction by holding the last slot busy that share of the time (see DutyCycle), so a setpoint
 * between two whole concurrencies is held without hunting between them.
 */
export class Dial {
  private current: number;
  private restraint: Restraint = 'none';

  constructor(private readonly limits: ConcurrencyLimits) {
    this.current = Math.min(limits.maxConcurrency, Math.max(limits.minConcurrency, 1));
  }

  get value(): number {
    return this.current;
  }

  /** Which way the last `apply` was held back by a limit or the step size (the anti-windup's cue). */
  get restrained(): Restraint {
    return this.restraint;
  }

  /** Moves toward `desired` within the limits, with `ceiling` lowering the top for this tick; returns the new value. */
  apply(desired: number, ceiling = this.limits.maxConcurrency): number {
    const top = Math.max(this.limits.minConcurrency, Math.min(this.limits.maxConcurrency, ceiling));
    const highest = Math.min(top, this.current + Math.max(this.current, 1));
    // A ceiling that came down (the gradient limiter's) is obeyed at once.
    const lowest = Math.min(highest, Math.max(this.limits.minConcurrency, this.current / 2));
    const bounded = Math.min(Math.max(desired, lowest), highest);
    this.restraint = desired > bounded ? 'up' : desired < bounded ? 'down' : 'none';
    this.current = bounded;
    return bounded;
  }
}
