import type { ConcurrencyController, ConcurrencyLimits, LatencyObservation } from './controller.js';
import { PidController, type PidGains } from './pid.js';

/** Latency above the lowest seen that still counts as no queue (Envoy's buffer). */
const RTT_BUFFER = 0.25;
const MIN_GRADIENT = 0.5;
const MAX_GRADIENT = 2;

export interface GradientOptions extends ConcurrencyLimits {
  gains: PidGains;
  /** How long the lowest latency is remembered: a target that became slower for good is taken as it is after this. */
  minRttWindowMs: number;
}

/**
 * A PID under a latency-based ceiling, in the style of Envoy's adaptive concurrency and Netflix's
 * gradient limit: the ceiling follows limit × gradient + √limit, where the gradient is the lowest
 * latency seen in a window (plus a buffer) over the latency now. Below the target's knee the
 * gradient is above 1 and the ceiling opens; past it, queueing raises the latency and the ceiling
 * closes. So it holds the setpoint while the target can carry it without queueing, and otherwise
 * stops at the knee (saturated) instead of piling requests onto the target.
 */
export class GradientController implements ConcurrencyController {
  readonly kind = 'gradient';
  private readonly pid: PidController;
  private limit: number;
  /** Each tick's mean latency with its age, for the windowed minimum. */
  private readonly rtts: { meanMs: number; atMs: number }[] = [];
  private elapsedMs = 0;

  constructor(private readonly options: GradientOptions) {
    this.pid = new PidController(options);
    this.limit = Math.max(options.minConcurrency, 1);
  }

  get concurrency(): number {
    return this.pid.concurrency;
  }

  get saturated(): boolean {
    return this.pid.saturated;
  }

  /** The current latency-based ceiling. */
  get ceiling(): number {
    return this.limit;
  }

  update(measuredPerSec: number, setpointPerSec: number, dtMs: number, latency?: LatencyObservation): number {
    this.elapsedMs += dtMs;
    if (latency && latency.meanMs > 0) {
      const minRttMs = this.windowedMin(latency.meanMs);
      const gradient = Math.min(MAX_GRADIENT, Math.max(MIN_GRADIENT, (minRttMs * (1 + RTT_BUFFER)) / latency.meanMs));
      let next = this.limit * gradient + Math.sqrt(this.limit);
      // A ceiling far above what is used has not been tested by the target: it may not grow further.
      if (this.pid.concurrency < this.limit / 2) next = Math.min(next, this.limit);
      this.limit = Math.min(this.options.maxConcurrency, Math.max(this.options.minConcurrency, next));
    }
    return this.pid.update(measuredPerSec, setpointPerSec, dtMs, latency, this.ceiling);
  }

  private windowedMin(meanMs: number): number {
    this.rtts.push({ meanMs, atMs: this.elapsedMs });
    while (this.rtts.length > 0 && this.rtts[0]!.atMs < this.elapsedMs - this.options.minRttWindowMs) this.rtts.shift();
    let lowest = meanMs;
    for (const rtt of this.rtts) lowest = Math.min(lowest, rtt.meanMs);
    return lowest;
  }
}
