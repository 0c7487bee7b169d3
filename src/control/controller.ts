import type { ControllerKind } from '../plan/hold.js';

export { CONTROLLER_KINDS, type ControllerKind } from '../plan/hold.js';

/**
 * What the requests that completed during a tick took, sent to done, in ms. The mean is Little's
 * law's W, which turns a throughput into the concurrency that carries it; the gradient limiter
 * compares it with the lowest it has seen.
 */
export interface LatencyObservation {
  meanMs: number;
}

/**
 * A feedback controller for a closed loop whose actuator is the number of requests in flight and
 * whose measured variable is completed requests per second. Pure: it holds only its own state and
 * is told the time that passed, so it runs the same against a simulated plant as against a target.
 */
export interface ConcurrencyController {
  readonly kind: ControllerKind;
  /**
   * One tick: the throughput measured over the last `dtMs`, the setpoint, and the latency of what
   * completed (absent when nothing did). Returns the mean number of requests to keep in flight
   * (fractional: see DutyCycle).
   */
  update(measuredPerSec: number, setpointPerSec: number, dtMs: number, latency?: LatencyObservation): number;
  /** The concurrency the last update returned. */
  readonly concurrency: number;
  /** The last update wanted more than the actuator may give: the setpoint is out of reach for now. */
  readonly saturated: boolean;
}

export interface ConcurrencyLimits {
  minConcurrency: number;
  maxConcurrency: number;
}
