import { Dial } from './actuator.js';
import type { ConcurrencyController, ConcurrencyLimits, LatencyObservation } from './controller.js';
import { LowPass } from './low-pass.js';
import { OvershootDamping } from './overshoot-damping.js';

/**
 * Gains on the error in requests in flight (the throughput error times the observed latency, by
 * Little's law), so one set serves 10 req/s and 100k req/s, a 1 ms target and a 1 s one.
 */
export interface PidGains {
  /** Requests in flight added per request in flight of error. */
  proportional: number;
  /** The integral adds the error once per this many ms. */
  integralTimeMs: number;
  /** Derivative on the (filtered) measurement, never on the error: a setpoint change does not kick the dial. */
  derivativeTimeMs: number;
  /** Time constant of the low-pass filter on the measured throughput. */
  filterTimeMs: number;
  /**
   * Time constant of the low-pass filter on a rising latency the feed-forward scales by: longer, since
   * a stalled generator (a busy machine) shows up as a latency spike that the dial must not chase.
   */
  latencyFilterTimeMs: number;
}

/** Defaults relative to the tick, the loop's own delay: the plant answers within a latency, the measurement within a tick. */
export function defaultPidGains(tickMs: number): PidGains {
  return { proportional: 0.2, integralTimeMs: 4 * tickMs, derivativeTimeMs: tickMs / 4, filterTimeMs: tickMs / 2, latencyFilterTimeMs: 2 * tickMs };
}

/** Completions the throughput filter averages over at least (about ±15% of counting noise). */
const MIN_FILTERED_COMPLETIONS = 50;
/** The integral is slower than the filter by this much, so it integrates what was measured, not the noise. */
const INTEGRAL_TO_FILTER = 4;

/** The integral's reach above the model, as a share of the feed-forward concurrency (plus one request). */
const INTEGRAL_BAND = 0.25;
/**
 * Its reach below the model. The dial bounds the requests in flight and Little's law counts only
 * those, not an answer's wait for the next send, so the model is a floor for the dial: below it the
 * integral only absorbs noise in the measured latency. Left to reach as far below as above, it is
 * driven there whenever a queue drains (the throughput above the setpoint for a while) and then
 * holds the dial short of the setpoint until it integrates back.
 */
const INTEGRAL_BAND_BELOW = 0.05;

export interface PidOptions extends ConcurrencyLimits {
  gains: PidGains;
}

/**
 * PID with feed-forward from Little's law: the concurrency that carries the setpoint at the latency
 * observed (setpoint × latency) does most of the work at once, and the feedback removes what that
 * model misses (time between a response and the next send, a latency that changes with load). The
 * integral is clamped and only integrates when the dial can follow it (conditional integration),
 * so it does not wind up against a ceiling.
 */
export class PidController implements ConcurrencyController {
  readonly kind = 'pid';
  private readonly actuator: Dial;
  private readonly throughput: LowPass;
  private readonly latency: LowPass;
  private readonly damping = new OvershootDamping();
  private integral = 0;
  private previousThroughput: number | undefined;
  private saturatedNow = false;

  constructor(private readonly options: PidOptions) {
    this.actuator = new Dial(options);
    this.throughput = new LowPass(options.gains.filterTimeMs);
    this.latency = new LowPass(options.gains.latencyFilterTimeMs);
  }

  get concurrency(): number {
    return this.actuator.value;
  }

  get saturated(): boolean {
    return this.saturatedNow;
  }

  /** The gradient limiter lowers the ceiling tick by tick; the PID's own limits stay the outer bounds. */
  update(measuredPerSec: number, setpointPerSec: number, dtMs: number, latency?: LatencyObservation, ceiling?: number): number {
    const { gains } = this.options;
    // A throughput is a count: at a low rate a tick holds few requests, so the filter waits for enough of them.
    const filterTimeMs = Math.max(gains.filterTimeMs, (MIN_FILTERED_COMPLETIONS * 1000) / Math.max(setpointPerSec, 1e-3));
    const integralTimeMs = Math.max(gains.integralTimeMs, INTEGRAL_TO_FILTER * filterTimeMs);
    const measured = this.throughput.add(measuredPerSec, dtMs, filterTimeMs);
    if (latency && latency.meanMs > 0) {
      // A latency above the filtered one may be the generator stalling and is followed slowly; one below
      // is a queue draining (the target's capacity came back), which the dial must follow at once or it
      // keeps that queue full while it comes down.
      const falling = this.latency.value !== undefined && latency.meanMs < this.latency.value;
      this.latency.add(latency.meanMs, dtMs, falling ? filterTimeMs : Math.max(gains.latencyFilterTimeMs, filterTimeMs));
    }
    const latencySec = (this.latency.value ?? 0) / 1000;
    const previous = this.previousThroughput ?? measured;
    this.previousThroughput = measured;
    if (latencySec === 0) {
      // Nothing has completed yet, so there is no latency to scale by: open up one request at a time.
      const want = measured < setpointPerSec ? this.actuator.value + 1 : this.actuator.value;
      return this.finish(want, ceiling, measured, setpointPerSec);
    }
    const errorInFlight = (setpointPerSec - measured) * latencySec;
    const feedForward = setpointPerSec * latencySec;
    const derivative = -gains.derivativeTimeMs * ((measured - previous) / dtMs) * latencySec;
    // The integral corrects the Little's-law model, which is never far off: it works near the setpoint
    // only, within a band around the model, and leaves large errors to the feed-forward.
    const band = INTEGRAL_BAND * feedForward + 1;
    const floor = -INTEGRAL_BAND_BELOW * feedForward;
    const integrating = Math.abs(errorInFlight) <= band;
    const candidate = clamp(integrating ? this.integral + (errorInFlight * dtMs) / integralTimeMs : this.integral, floor, band);
    const modelled = feedForward + gains.proportional * errorInFlight + candidate + derivative;
    const desired = this.damping.next(this.actuator.value, modelled);
    const value = this.finish(desired, ceiling, measured, setpointPerSec);
    const heldBack = this.actuator.restrained;
    if (!((heldBack === 'up' && errorInFlight > 0) || (heldBack === 'down' && errorInFlight < 0))) this.integral = candidate;
    return value;
  }

  private finish(desired: number, ceiling: number | undefined, measured: number, setpointPerSec: number): number {
    const value = this.actuator.apply(desired, ceiling);
    const top = Math.min(ceiling ?? Infinity, this.options.maxConcurrency);
    const stuckHigh = value >= top && desired > value && measured < setpointPerSec;
    const stuckLow = value <= this.options.minConcurrency && desired < value && measured > setpointPerSec;
    this.saturatedNow = stuckHigh || stuckLow;
    return value;
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
