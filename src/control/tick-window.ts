import { createHistogram, recordUs } from '../metrics/histogram.js';

/** What one tick of a control loop saw, completed requests and failures apart. */
export interface TickMeasurement {
  completed: number;
  failed: number;
  /** Mean, p50 and p99 latency of the completed requests, ms; 0 when none completed. */
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Counts and latencies of the exchanges that ended during the current tick, emptied by `take`. */
export class TickWindow {
  private readonly latency = createHistogram();
  private completed = 0;
  private failed = 0;
  private latencySumUs = 0;

  recordCompleted(latencyUs: number): void {
    this.completed++;
    this.latencySumUs += latencyUs;
    recordUs(this.latency, latencyUs);
  }

  recordFailed(): void {
    this.failed++;
  }

  take(): TickMeasurement {
    const some = this.completed > 0;
    const measurement = {
      completed: this.completed,
      failed: this.failed,
      meanMs: some ? this.latencySumUs / this.completed / 1000 : 0,
      p50Ms: some ? this.latency.getValueAtPercentile(50) / 1000 : 0,
      p99Ms: some ? this.latency.getValueAtPercentile(99) / 1000 : 0,
    };
    this.latency.reset();
    this.completed = 0;
    this.failed = 0;
    this.latencySumUs = 0;
    return measurement;
  }
}
