import { SETTLE_TOLERANCE } from './settling.js';

/** The smallest share of a step the dial takes: a loop gain up to this many times the model's is brought down below one. */
const LEAST_SHARE = 1 / 32;

/**
 * How much of each step the controller asks for the dial takes, learned from the steps' directions.
 * Little's law models a target whose latency does not depend on the load; one that answers faster
 * the busier it is kept (a machine whose idle CPUs are slow to wake, a cache that warms) makes the
 * model overshoot, and the steps it asks for turn back every tick: up, down, up. So each step that
 * turns back the last one is halved; each that goes on the same way doubles the share back toward
 * whole. Steps within the tolerance of the dial are noise and change nothing. The steps are judged
 * as the model asks for them, before the share is taken: a real change (a new setpoint, a slower
 * target) asks for large steps in one direction, and a damped dial still follows it within ticks.
 */
export class OvershootDamping {
  private share = 1;
  private lastDirection = 0;

  /** The dial's value and the one the model asks for; returns the value to set. */
  next(current: number, asked: number): number {
    const step = asked - current;
    if (Math.abs(step) > SETTLE_TOLERANCE * current) {
      const direction = Math.sign(step);
      this.share = direction === -this.lastDirection ? Math.max(LEAST_SHARE, this.share / 2) : Math.min(1, this.share * 2);
      this.lastDirection = direction;
    }
    return current + this.share * step;
  }
}
