import type { HistogramSampler } from './histogram-sampler.js';

/** A test of candidate − baseline. */
export interface DifferenceTest {
  /** Two-sided p-value of "no difference". */
  pValue: number;
  /** 95% confidence interval of candidate − baseline, in the unit of the values. */
  interval: [number, number];
}

export interface BootstrapOptions {
  resamples: number;
  /** Seeded, so the same two runs always get the same verdict. */
  random: () => number;
}

/** The value below which a `fraction` of the sorted values lie (nearest rank). */
const quantile = (sorted: Float64Array, fraction: number): number => sorted[Math.round(fraction * (sorted.length - 1))]!;

/**
 * Bootstrap of a percentile's difference: resample both runs' latencies many times, and see how often
 * the resampled difference lands on the far side of zero. Percentiles have no usable closed-form
 * standard error, which is why they are resampled rather than tested with a formula.
 */
export function bootstrapPercentileDifference(
  baseline: HistogramSampler,
  candidate: HistogramSampler,
  percentile: number,
  { resamples, random }: BootstrapOptions,
): DifferenceTest {
  const differences = new Float64Array(resamples);
  for (let index = 0; index < resamples; index++) {
    differences[index] = candidate.resampledPercentile(percentile, random) - baseline.resampledPercentile(percentile, random);
  }
  differences.sort();
  let atOrBelowZero = 0;
  let atOrAboveZero = 0;
  for (const difference of differences) {
    if (difference <= 0) atOrBelowZero++;
    if (difference >= 0) atOrAboveZero++;
  }
  // The +1 counts the observed runs as one more resample, so a finite bootstrap never claims p = 0.
  const pValue = Math.min(1, (2 * (Math.min(atOrBelowZero, atOrAboveZero) + 1)) / (resamples + 1));
  return { pValue, interval: [quantile(differences, 0.025), quantile(differences, 0.975)] };
}
