import type { Histogram } from 'hdr-histogram-js';
import { decodeHistogram, percentilesMs } from '../metrics/histogram.js';
import type { SecondSample } from '../metrics/recorder.js';
import type { RunResult, Summary } from '../result/types.js';
import { seededRandom } from '../schedule/random.js';
import { bootstrapPercentileDifference, type BootstrapOptions, type DifferenceTest } from './bootstrap.js';
import { HistogramSampler } from './histogram-sampler.js';
import { MANN_WHITNEY_MIN_SAMPLES, mannWhitneyU } from './mann-whitney.js';
import { MEAN_TEST_MIN_SAMPLES, meanDifferenceTest } from './mean-difference.js';
import { METRICS, METRIC_NAMES, type MetricName } from './metrics.js';

/** A difference counts as significant below this p-value. */
export const SIGNIFICANCE_LEVEL = 0.05;

export type Verdict =
  | {
      tested: true;
      pValue: number;
      significant: boolean /** 95% confidence interval of the difference, where the test gives one. */;
      interval?: [number, number];
    }
  | { tested: false; reason: string };

export interface MetricComparison {
  metric: MetricName;
  /** In the metric's unit: ms, req/s, or % for the error rate. */
  baseline: number;
  candidate: number;
  /** candidate − baseline (percentage points for the error rate). */
  difference: number;
  /** difference / baseline; null when the baseline is 0, and for the error rate, whose changes are percentage points. */
  relative: number | null;
  verdict: Verdict;
}

export interface CompareOptions {
  seed: number;
  resamples: number;
}

/** Fixed, so the same two results always get the same verdicts. */
export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { seed: 1, resamples: 1000 };

/** Every metric of METRICS for a baseline and a candidate run, each with a statistical verdict. */
export function compareResults(baseline: RunResult, candidate: RunResult, options: CompareOptions = DEFAULT_COMPARE_OPTIONS): MetricComparison[] {
  const random = seededRandom(options.seed);
  const histograms = [baseline, candidate].map((result) => decodeHistogram(result.histograms.corrected));
  const samplers = histograms.map((histogram) => new HistogramSampler(histogram));
  const latencies = histograms.map(percentilesMs);
  const seconds = [fullSeconds(baseline), fullSeconds(candidate)];
  return METRIC_NAMES.map((metric): MetricComparison => {
    switch (metric) {
      case 'rate':
        return comparison(
          metric,
          baseline.summary.rate.achieved,
          candidate.summary.rate.achieved,
          perSecondVerdict(seconds.map((run) => run.map((second) => second.completed))),
        );
      case 'errors':
        return comparison(
          metric,
          errorPercent(baseline.summary.requests),
          errorPercent(candidate.summary.requests),
          perSecondVerdict(seconds.map(errorPercentPerSecond)),
        );
      case 'mean':
        return comparison(metric, latencies[0]!.mean, latencies[1]!.mean, meanVerdict(histograms));
      default: {
        const verdict = percentileVerdict(samplers, METRICS[metric].percentile, { resamples: options.resamples, random });
        return comparison(metric, latencies[0]![metric], latencies[1]![metric], verdict);
      }
    }
  });
}

function comparison(metric: MetricName, baseline: number, candidate: number, verdict: Verdict): MetricComparison {
  const difference = candidate - baseline;
  const relative = baseline === 0 || METRICS[metric].unit === '%' ? null : difference / baseline;
  return { metric, baseline, candidate, difference, relative, verdict };
}

/** A latency test's verdict; histograms hold µs, the comparison speaks ms. */
const latencyTested = ({ pValue, interval }: DifferenceTest): Verdict => ({
  tested: true,
  pValue,
  significant: pValue < SIGNIFICANCE_LEVEL,
  interval: [interval[0] / 1000, interval[1] / 1000],
});

function percentileVerdict([baseline, candidate]: HistogramSampler[], percentile: number, bootstrap: BootstrapOptions): Verdict {
  if (baseline!.total === 0 || candidate!.total === 0) return { tested: false, reason: 'no responses to test' };
  return latencyTested(bootstrapPercentileDifference(baseline!, candidate!, percentile, bootstrap));
}

function meanVerdict([baseline, candidate]: Histogram[]): Verdict {
  const counts = [baseline!.totalCount, candidate!.totalCount];
  if (Math.min(...counts) < MEAN_TEST_MIN_SAMPLES)
    return { tested: false, reason: `too few responses to test (${counts.join(' and ')}, ${MEAN_TEST_MIN_SAMPLES} needed)` };
  const moments = (histogram: Histogram) => ({ mean: histogram.mean, standardDeviation: histogram.stdDeviation, count: histogram.totalCount });
  return latencyTested(meanDifferenceTest(moments(baseline!), moments(candidate!)));
}

function perSecondVerdict([baseline, candidate]: number[][]): Verdict {
  const counts = [baseline!.length, candidate!.length];
  if (Math.min(...counts) < MANN_WHITNEY_MIN_SAMPLES) {
    return { tested: false, reason: `too few seconds to test (${counts.join(' and ')}, ${MANN_WHITNEY_MIN_SAMPLES} needed)` };
  }
  const { pValue } = mannWhitneyU(baseline!, candidate!);
  return { tested: true, pValue, significant: pValue < SIGNIFICANCE_LEVEL };
}

/** The series without a last second that the run ended inside: its few late answers would read as a fall in throughput. */
const fullSeconds = (result: RunResult): SecondSample[] => result.series.filter((sample) => (sample.second + 1) * 1000 <= result.durationMs);

/** Requests that did not succeed (failed or dropped) among those that had an outcome, in %. */
function errorPercent({ completed, failed, dropped }: Pick<Summary['requests'], 'completed' | 'failed' | 'dropped'>): number {
  const outcomes = completed + failed + dropped;
  return outcomes === 0 ? 0 : ((failed + dropped) / outcomes) * 100;
}

/** Seconds without any outcome have no error rate, so they are left out rather than counted as 0%. */
const errorPercentPerSecond = (seconds: SecondSample[]): number[] =>
  seconds.filter((second) => second.completed + second.failed + second.dropped > 0).map(errorPercent);
