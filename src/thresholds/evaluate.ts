import { decodeHistogram, percentilesMs, type PercentilesMs } from '../metrics/histogram.js';
import type { SecondSample } from '../metrics/recorder.js';
import type { Summary, ThresholdResult } from '../result/types.js';
import { LATENCY_STATS, type LatencyMetric, type Operator, type Threshold } from '../plan/threshold.js';

/** What a threshold is judged on: the whole run, or one closed second. */
export interface Observed {
  /** Latency by metric name; a name missing here is not measured (a second holds corrected latency only). */
  latencyMs: Partial<Record<LatencyMetric, number>>;
  failed: number;
  /** What `errors` is a percentage of. */
  errorBase: number;
  dropped: number;
  /** Requests that fell due, sent or dropped: what `dropped` is a percentage of. */
  due: number;
  ratePerSec: number;
  targetRate: number | null;
}

export type Outcome = Pick<ThresholdResult, 'passed' | 'actual' | 'unit'>;

const COMPARE: Record<Operator, (actual: number, limit: number) => boolean> = {
  '<': (actual, limit) => actual < limit,
  '<=': (actual, limit) => actual <= limit,
  '>': (actual, limit) => actual > limit,
  '>=': (actual, limit) => actual >= limit,
  '==': (actual, limit) => actual === limit,
};

/** Six decimals: finer than any limit a person writes, and coarse enough that float noise cannot flip a boundary. */
const settle = (value: number): number => Math.round(value * 1e6) / 1e6;

const percent = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);

const byName = (percentiles: PercentilesMs, prefix: '' | 'uncorrected.'): Partial<Record<LatencyMetric, number>> =>
  Object.fromEntries(LATENCY_STATS.map((stat) => [`${prefix}${stat}`, percentiles[stat]]));

export function observeSummary(summary: Summary): Observed {
  const { requests, latencyMs, scheduleLagMs: lag } = summary;
  return {
    latencyMs: {
      ...byName(latencyMs.corrected, ''),
      ...byName(latencyMs.uncorrected, 'uncorrected.'),
      'lag.p50': lag.p50,
      'lag.p99': lag.p99,
      'lag.max': lag.max,
    },
    failed: requests.failed,
    errorBase: requests.sent,
    dropped: requests.dropped,
    due: requests.sent + requests.dropped,
    ratePerSec: summary.rate.achieved,
    targetRate: summary.rate.target,
  };
}

export function observeSecond(sample: SecondSample, targetRate: number | null): Observed {
  const histogram = decodeHistogram(sample.histogram);
  const corrected = percentilesMs(histogram);
  histogram.destroy();
  const ended = sample.completed + sample.failed;
  return {
    latencyMs: byName(corrected, ''),
    failed: sample.failed,
    // Requests sent late in a second end in the next one, so a second's failures are set against what ended in it.
    errorBase: ended,
    dropped: sample.dropped,
    due: sample.sent + sample.dropped,
    ratePerSec: sample.completed,
    targetRate,
  };
}

/** How many requests the metric's value comes from. */
export function sampleSize(threshold: Threshold, observed: Observed): number {
  return threshold.metric === 'dropped' || threshold.metric === 'rate' ? observed.due : observed.errorBase;
}

/** The threshold judged on `observed`; undefined when `observed` does not measure its metric. */
export function judge(threshold: Threshold, observed: Observed): Outcome | undefined {
  const measured = measure(threshold, observed);
  if (measured === undefined) return undefined;
  const actual = settle(measured);
  return { passed: COMPARE[threshold.operator](actual, settle(limitOf(threshold, observed))), actual, unit: actualUnit(threshold) };
}

function actualUnit({ metric, limit }: Threshold): Outcome['unit'] {
  if (metric === 'rate') return 'req/s';
  if (metric === 'errors' || metric === 'dropped') return limit.unit === '%' ? '%' : 'count';
  return 'ms';
}

function measure(threshold: Threshold, observed: Observed): number | undefined {
  const { metric } = threshold;
  const asPercent = actualUnit(threshold) === '%';
  switch (metric) {
    case 'errors':
      return asPercent ? percent(observed.failed, observed.errorBase) : observed.failed;
    case 'dropped':
      return asPercent ? percent(observed.dropped, observed.due) : observed.dropped;
    case 'rate':
      return observed.ratePerSec;
    default:
      return observed.latencyMs[metric];
  }
}

function limitOf({ expression, limit }: Threshold, observed: Observed): number {
  if (limit.unit !== 'target') return limit.value;
  // Plan validation refuses "target" without a target rate; a hand-made result can still lack one.
  if (observed.targetRate === null) throw new Error(`threshold "${expression}": this run has no target rate to compare with`);
  return limit.factor * observed.targetRate;
}
