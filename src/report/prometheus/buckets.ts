import { JsHistogram, type Histogram } from 'hdr-histogram-js';

/**
 * Upper bounds, in seconds, of the exported latency and lag histograms: ten a decade from 10 µs to
 * 60 s (HdrHistogram's top), each at most a third above the one below, so `histogram_quantile` of a
 * p99 lands within a third of the exact value, with 60-odd series per histogram.
 */
const STEPS_PER_DECADE = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8];
export const BUCKET_BOUNDS_SECONDS: readonly number[] = [-5, -4, -3, -2, -1, 0, 1]
  .flatMap((exponent) => STEPS_PER_DECADE.map((step) => Number((step * 10 ** exponent).toPrecision(3))))
  .filter((bound) => bound <= 60);

/** What Prometheus's histogram holds: the count at or below each bound (cumulative), the total count and the sum. */
export interface BucketCounts {
  cumulative: number[];
  count: number;
  sumSeconds: number;
}

export const emptyBucketCounts = (): BucketCounts => ({ cumulative: BUCKET_BOUNDS_SECONDS.map(() => 0), count: 0, sumSeconds: 0 });

/**
 * Adds an HdrHistogram of µs into `counts`, exactly: every recorded value (the top of its HdrHistogram
 * bucket, as its percentiles report it) is counted in the first bound at or above it. The sum takes
 * each value as the middle of its HdrHistogram bucket, as HdrHistogram's mean does. The counts are
 * walked by index, and values are computed only where a count is: HdrHistogram's iterators make an
 * object per value, many times slower for a scrape that runs on the generator's own thread.
 */
export function addHistogram(counts: BucketCounts, histogram: Histogram): void {
  if (histogram.totalCount === 0) return;
  // Only JS histograms can be walked; createHistogram and decodeHistogram build no other kind.
  if (!(histogram instanceof JsHistogram)) throw new TypeError('addHistogram needs a JsHistogram');
  const lastIndex = histogram.countsArrayIndex(histogram.maxValue);
  // Index i counts at or below a bound when its whole HdrHistogram bucket does: every index below the
  // bound's own, and the bound's own only when the bound is the top of it.
  const firstAbove = BUCKET_BOUNDS_SECONDS.map((bound) => {
    const boundUs = bound * 1e6;
    const index = histogram.countsArrayIndex(boundUs);
    return histogram.highestEquivalentValue(boundUs) <= boundUs ? index + 1 : index;
  });
  let bound = 0;
  let running = 0;
  let sumUs = 0;
  for (let index = 0; index <= lastIndex; index++) {
    while (bound < firstAbove.length && index >= firstAbove[bound]!) counts.cumulative[bound++]! += running;
    const count = histogram.getCountAtIndex(index);
    if (count === 0) continue;
    running += count;
    const lowUs = histogram.valueFromIndex(index);
    sumUs += (lowUs + Math.floor((histogram.valueFromIndex(index + 1) - lowUs) / 2)) * count;
  }
  while (bound < firstAbove.length) counts.cumulative[bound++]! += running;
  counts.count += histogram.totalCount;
  counts.sumSeconds += sumUs / 1e6;
}
