import type { Histogram } from 'hdr-histogram-js';

/** The percentiles people quote, always on the curve so that hovering finds them exactly. */
const NAMED_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 99.999];
/** Points per tenfold step of 1/(1-p): a smooth curve that still inlines in a few kilobytes. */
const POINTS_PER_DECADE = 20;

export interface PercentileAxis {
  /** 1/(1-p), the HdrHistogram plot's x: on a log axis every extra nine gets the same width. */
  x: number[];
  /** The percentile at each x; the last is 100 (the max). */
  percentiles: number[];
  ticks: { at: number[]; labels: string[] };
}

/**
 * The x positions of a percentile curve for histograms of up to `count` values. Past 1/(1-p) = count
 * every percentile is the largest value, so the axis ends at the next power of ten, where the max sits.
 */
export function percentileAxis(count: number): PercentileAxis {
  const decades = Math.max(1, Math.ceil(Math.log10(Math.max(count, 1))));
  const end = 10 ** decades;
  const byX = new Map<number, number>();
  // Keyed by x to 10 digits, so that a named percentile replaces the even step it lands on (1/(1-0.9999) is 9999.99999999).
  const put = (x: number, percentile: number): void => void byX.set(Number(x.toPrecision(10)), percentile);
  for (let step = 0; step < decades * POINTS_PER_DECADE; step++) {
    const x = 10 ** (step / POINTS_PER_DECADE);
    put(x, 100 * (1 - 1 / x));
  }
  for (const percentile of NAMED_PERCENTILES) {
    const x = 1 / (1 - percentile / 100);
    if (x < end) put(x, percentile);
  }
  byX.set(end, 100);
  const x = [...byX.keys()].sort((a, b) => a - b);
  const decadeXs = Array.from({ length: decades + 1 }, (_, decade) => 10 ** decade);
  return {
    x,
    percentiles: x.map((at) => byX.get(at)!),
    ticks: { at: decadeXs, labels: decadeXs.map((at, decade) => (at === end ? 'max' : `${Number((100 - 100 / at).toFixed(decade))}%`)) },
  };
}

/** The value at each of the axis' percentiles in ms; all null for an empty histogram, which has no curve. */
export function valuesAtPercentilesMs(histogram: Histogram, axis: PercentileAxis): (number | null)[] {
  if (histogram.totalCount === 0) return axis.percentiles.map(() => null);
  // Each value is the top of its HdrHistogram bucket, as in the summary's percentiles: within 0.1% of what was recorded.
  return axis.percentiles.map((percentile) => histogram.getValueAtPercentile(percentile) / 1000);
}

/** "p99.9", "p99.6", "max": how a point of the curve is named in the legend, to two digits of its tail (100 − p). */
export function percentileLabel(percentile: number): string {
  if (percentile === 100) return 'max';
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(100 - percentile)));
  return `p${Number(percentile.toFixed(decimals))}`;
}
