import type { DifferenceTest } from './bootstrap.js';
import { twoSidedPValue } from './normal.js';

/** Below this many values a mean of skewed latencies is too far from normal for a z-test. */
export const MEAN_TEST_MIN_SAMPLES = 30;

export interface SampleMoments {
  mean: number;
  standardDeviation: number;
  count: number;
}

const Z_95 = 1.959963984540054;

/**
 * Welch's large-sample z-test of a difference of means. The mean has a standard error (unlike a
 * percentile), and a bootstrap of it would need every value redrawn, which runs of millions of
 * requests make slow; from MEAN_TEST_MIN_SAMPLES on, both give the same answer.
 */
export function meanDifferenceTest(baseline: SampleMoments, candidate: SampleMoments): DifferenceTest {
  const difference = candidate.mean - baseline.mean;
  const standardError = Math.sqrt(baseline.standardDeviation ** 2 / baseline.count + candidate.standardDeviation ** 2 / candidate.count);
  if (standardError === 0) return { pValue: difference === 0 ? 1 : 0, interval: [difference, difference] };
  return {
    pValue: twoSidedPValue(difference / standardError),
    interval: [difference - Z_95 * standardError, difference + Z_95 * standardError],
  };
}
