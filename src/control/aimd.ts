import { Dial } from './actuator.js';
import type { ConcurrencyController, ConcurrencyLimits, LatencyObservation } from './controller.js';
import { LowPass } from './low-pass.js';

/** Within this fraction of the setpoint AIMD holds still. */
const AIMD_TOLERANCE = 0.02;
/** Each tick below the setpoint adds this share of the concurrency the setpoint needs (Little's law), at least this share of one request. */
const INCREASE_SHARE = 0.1;
/** Each tick above the setpoint keeps this share of the requests in flight. */
const DECREASE_FACTOR = 0.9;

/**
 * Additive increase, multiplicative decrease, as TCP's congestion window: simple and robust, and
 * a sawtooth by nature, so it holds a throughput less tightly than the PID. The step is scaled by
 * Little's law, not by hand, so it climbs at the same pace at any rate.
 */
export class AimdController implements ConcurrencyController {
  readonly kind = 'aimd';
  private readonly actuator: Dial;
  private readonly latency: LowPass;
  private saturatedNow = false;

  constructor(
    private readonly limits: ConcurrencyLimits,
    filterTimeMs: number,
  ) {
    this.actuator = new Dial(limits);
    this.latency = new LowPass(filterTimeMs);
  }

  get concurrency(): number {
    return this.actuator.value;
  }

  get saturated(): boolean {
    return this.saturatedNow;
  }

  update(measuredPerSec: number, setpointPerSec: number, dtMs: number, latency?: LatencyObservation): number {
    if (latency && latency.meanMs > 0) this.latency.add(latency.meanMs, dtMs);
    const current = this.actuator.value;
    let desired = current;
    if (measuredPerSec < setpointPerSec * (1 - AIMD_TOLERANCE)) {
      const littleConcurrency = (setpointPerSec * (this.latency.value ?? 0)) / 1000;
      desired = current + Math.max(INCREASE_SHARE, INCREASE_SHARE * littleConcurrency);
    } else if (measuredPerSec > setpointPerSec * (1 + AIMD_TOLERANCE)) {
      desired = current * DECREASE_FACTOR;
    }
    const value = this.actuator.apply(desired);
    this.saturatedNow = value >= this.limits.maxConcurrency && desired > value;
    return value;
  }
}
