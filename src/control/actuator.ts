import { QUANTUM_DEADBAND, type ConcurrencyLimits } from './controller.js';

/** How an actuator held back the value it was asked for. */
export type Restraint = 'none' | 'up' | 'down';

/**
 * Past half a request of rounding, a desired value must also clear this margin before the dial
 * moves: a float that hovers around x.5 then moves it once instead of back and forth every tick.
 */
const HYSTERESIS = 0.1;

/** At most doubling or halving per tick: a noisy tick cannot throw the dial across its range. */
const MAX_STEP_RATIO = 1;

/**
 * The integer dial behind a float controller state: whole requests in flight, within
 * [minConcurrency, maxConcurrency], moving at most by its own size per tick, and only when the
 * desired value is clearly nearer another whole number.
 */
export class IntegerActuator {
  private current: number;
  private restraint: Restraint = 'none';

  constructor(private readonly limits: ConcurrencyLimits) {
    this.current = limits.minConcurrency;
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
    const step = Math.max(1, Math.ceil(this.current * MAX_STEP_RATIO));
    const highest = Math.min(top, this.current + step);
    // A ceiling that came down (the gradient limiter's) is obeyed at once.
    const lowest = Math.min(highest, Math.max(this.limits.minConcurrency, this.current - Math.ceil(step / 2)));
    const next = Math.abs(desired - this.current) > QUANTUM_DEADBAND + HYSTERESIS ? Math.round(desired) : this.current;
    const bounded = Math.min(Math.max(next, lowest), highest);
    this.restraint = desired > bounded + QUANTUM_DEADBAND ? 'up' : desired < bounded - QUANTUM_DEADBAND ? 'down' : 'none';
    this.current = bounded;
    return bounded;
  }
}
