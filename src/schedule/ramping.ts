import { requestsOfRamp, type RampStage } from '../plan/executors/index.js';
import type { Pacer } from './pacer.js';

export type { RampStage };

interface Segment {
  startUs: number;
  durationSec: number;
  fromRate: number;
  toRate: number;
  /** Requests due before the segment starts: the integral of the rate up to here. */
  countBefore: number;
  count: number;
}

/**
 * k6's ramping-arrival-rate: the rate moves linearly from `startRatePerSec` to each stage's target
 * over the stage's duration. Request i is due when the integral of the rate reaches i, so a constant
 * stage spaces requests exactly as ConstantPacer does, and each due time is solved from i in closed
 * form (no accumulated error).
 */
export class RampingPacer implements Pacer {
  private readonly segments: Segment[] = [];
  /** Requests the whole ramp sends: the integral of the rate over every stage, rounded up. */
  readonly totalRequests: number;
  private segment = 0;

  constructor(startRatePerSec: number, stages: readonly RampStage[]) {
    let fromRate = startRatePerSec;
    let startUs = 0;
    let countBefore = 0;
    for (const { targetRatePerSec, durationMs } of stages) {
      const durationSec = durationMs / 1000;
      const count = ((fromRate + targetRatePerSec) / 2) * durationSec;
      this.segments.push({ startUs, durationSec, fromRate, toRate: targetRatePerSec, countBefore, count });
      countBefore += count;
      startUs += durationMs * 1000;
      fromRate = targetRatePerSec;
    }
    this.totalRequests = requestsOfRamp(startRatePerSec, stages);
  }

  dueUs(index: number): number {
    if (index >= this.totalRequests) return Infinity;
    if (index < this.segments[this.segment]!.countBefore) this.segment = 0;
    while (this.segment < this.segments.length - 1 && index >= this.segments[this.segment + 1]!.countBefore) this.segment++;
    const { startUs, durationSec, fromRate, toRate, countBefore, count } = this.segments[this.segment]!;
    const n = Math.min(index - countBefore, count);
    // n = a·t + (b − a)·t²/(2T) solved for t as 2n / (a + √(a² + 2(b − a)n/T)): the form without
    // cancellation, exact for flat stages (t = n/a) and for ramps from 0 (t = √(2nT/b)).
    const root = Math.sqrt(Math.max(0, fromRate * fromRate + (2 * (toRate - fromRate) * n) / durationSec));
    const denominator = fromRate + root;
    const tSec = denominator > 0 ? (2 * n) / denominator : 0;
    return startUs + Math.min(tSec, durationSec) * 1_000_000;
  }

  deadlineUs(): number {
    return Infinity;
  }

  /** Request i is due when the integral of the rate reaches i: the integral up to `us`, rounded up. */
  countDueBefore(us: number): number {
    if (us <= 0) return 0;
    const segment = this.segments.findLast((candidate) => candidate.startUs < us)!;
    const tSec = Math.min((us - segment.startUs) / 1_000_000, segment.durationSec);
    const integral = segment.countBefore + segment.fromRate * tSec + ((segment.toRate - segment.fromRate) * tSec * tSec) / (2 * segment.durationSec);
    // A relative guard: 3.0000000000000004 is 3, while the first request of a ramp from 0 still counts.
    return Math.min(this.totalRequests, Math.ceil(integral * (1 - 1e-12)));
  }
}
