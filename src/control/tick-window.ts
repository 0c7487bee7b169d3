import { createHistogram, recordUs } from '../metrics/histogram.js';

/** What one tick of a control loop saw, completed requests and failures apart. */
export interface TickMeasurement {
  completed: number;
  failed: number;
  /** Mean latency of the completed requests, each counted up to OUTLIER_TO_MEDIAN times the last median, ms; 0 when none completed. */
  meanMs: number;
  /** p50 and p99 latency of the completed requests as they were, ms; 0 when none completed. */
  p50Ms: number;
  p99Ms: number;
}

/**
 * The mean a controller scales by (Little's law's W) counts a latency up to this many times the
 * median of the last tick that had one: a generator stalled for 100 ms (a busy machine, a garbage
 * collection) reads a 30 µs echo's answer 100 ms late, and one such reply among 150 would otherwise
 * make the mean twenty times the typical latency and the dial jump by as much. Far above the
 * spread of real service times (an exponential one exceeds 8 × its median 0.4% of the time), and
 * a latency that really grew moves the median, hence the bound, one tick later.
 */
const OUTLIER_TO_MEDIAN = 8;

/** Counts and latencies of the exchanges that ended during the current tick, emptied by `take`. */
export class TickWindow {
  private readonly latency = createHistogram();
  private completed = 0;
  private failed = 0;
  private boundedSumUs = 0;
  private outlierFromUs = Infinity;

  recordCompleted(latencyUs: number): void {
    this.completed++;
    this.boundedSumUs += Math.min(latencyUs, this.outlierFromUs);
    recordUs(this.latency, latencyUs);
  }

  recordFailed(): void {
    this.failed++;
  }

  take(): TickMeasurement {
    const some = this.completed > 0;
    const p50Us = some ? this.latency.getValueAtPercentile(50) : 0;
    const measurement = {
      completed: this.completed,
      failed: this.failed,
      meanMs: some ? this.boundedSumUs / this.completed / 1000 : 0,
      p50Ms: p50Us / 1000,
      p99Ms: some ? this.latency.getValueAtPercentile(99) / 1000 : 0,
    };
    if (some) this.outlierFromUs = OUTLIER_TO_MEDIAN * p50Us;
    this.latency.reset();
    this.completed = 0;
    this.failed = 0;
    this.boundedSumUs = 0;
    return measurement;
  }
}
