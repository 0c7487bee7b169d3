import { targetRateOf } from '../plan/shard.js';
import type { SecondSample } from '../metrics/recorder.js';
import { longestDurationMs, type Plan } from '../plan/schema.js';
import type { Summary, ThresholdResult } from '../result/types.js';
import { judge, observeSecond, observeSummary, sampleSize, type Outcome } from './evaluate.js';
import { parseThreshold, type Threshold } from '../plan/threshold.js';

/** Below this many requests a second's value is noise: with five answers, one slow one is the p99. */
const MIN_REQUESTS_PER_SECOND = 10;

/**
 * A plan's thresholds over one run: abort-on-fail ones judged on each closed second as the run goes,
 * and all of them on the whole run at its end.
 */
export class ThresholdWatch {
  private readonly thresholds: { threshold: Threshold; abortOnFail: boolean }[];
  private readonly watchesSeconds: boolean;
  private readonly targetRate: number | null;
  private readonly sendingSeconds: number;
  private failure: { index: number; second: number; outcome: Outcome } | undefined;

  constructor(plan: Plan) {
    this.thresholds = plan.thresholds.map(({ expression, abortOnFail }) => ({ threshold: parseThreshold(expression), abortOnFail }));
    this.watchesSeconds = plan.thresholds.some((threshold) => threshold.abortOnFail);
    this.targetRate = targetRateOf(plan);
    // Once sending has ended a second holds only the tail of the answers: its rate and ratios say nothing about the plan.
    this.sendingSeconds = Math.floor(longestDurationMs(plan) / 1000);
  }

  /** Judges a closed second on the abort-on-fail thresholds: true at the first failure, on which the run should end. */
  failsSecond(sample: SecondSample): boolean {
    // A warm-up second is not judged, as the warm-up's requests are not.
    if (!this.watchesSeconds || this.failure !== undefined || sample.warmup || sample.second >= this.sendingSeconds) return false;
    const observed = observeSecond(sample, this.targetRate);
    for (const [index, { threshold, abortOnFail }] of this.thresholds.entries()) {
      if (!abortOnFail || sampleSize(threshold, observed) < MIN_REQUESTS_PER_SECOND) continue;
      const outcome = judge(threshold, observed);
      if (outcome?.passed === false) {
        this.failure = { index, second: sample.second, outcome };
        return true;
      }
    }
    return false;
  }

  /** Every threshold on one closed second, for live displays: no outcome while the second has too few requests or lacks the metric. */
  secondStatus(sample: SecondSample): { expression: string; outcome?: Outcome }[] {
    if (this.thresholds.length === 0) return [];
    const observed = observeSecond(sample, this.targetRate);
    return this.thresholds.map(({ threshold }) => {
      const outcome = sampleSize(threshold, observed) < MIN_REQUESTS_PER_SECOND ? undefined : judge(threshold, observed);
      return { expression: threshold.expression, ...(outcome ? { outcome } : {}) };
    });
  }

  /** Every threshold judged; undefined when there are none, or when a signal or code cut the run short (it is not judged). */
  results(summary: Summary, interruptReason: string | undefined): ThresholdResult[] | undefined {
    const endedByThreshold = interruptReason === 'threshold';
    if (this.thresholds.length === 0 || (interruptReason !== undefined && !endedByThreshold)) return undefined;
    const observed = observeSummary(summary);
    return this.thresholds.map(({ threshold }, index) => {
      const { expression } = threshold;
      if (this.failure?.index !== index) return { expression, ...judge(threshold, observed)! }; // the whole run measures every metric
      return { expression, ...this.failure.outcome, second: this.failure.second, ...(endedByThreshold ? { abortedRun: true } : {}) };
    });
  }
}
