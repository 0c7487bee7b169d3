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
 * bucket, as its percentiles report it) is counted in the first bound at or above it. The sum is the
 * histogram's mean times its count, as exact as HdrHistogram's three digits.
 */
export function addHistogram(counts: BucketCounts, histogram: Histogram): void {
  if (histogram.totalCount === 0) return;
  // Only JS histograms can be walked; createHistogram and decodeHistogram build no other kind.
  if (!(histogram instanceof JsHistogram)) throw new TypeError('addHistogram needs a JsHistogram');
  const perBound = BUCKET_BOUNDS_SECONDS.map(() => 0);
  const iterator = histogram.recordedValuesIterator;
  iterator.reset();
  let bound = 0;
  while (iterator.hasNext()) {
    const step = iterator.next();
    const seconds = step.valueIteratedTo / 1e6;
    while (bound < BUCKET_BOUNDS_SECONDS.length && seconds > BUCKET_BOUNDS_SECONDS[bound]!) bound++;
    if (bound < perBound.length) perBound[bound]! += step.countAtValueIteratedTo;
  }
  let running = 0;
  perBound.forEach((count, index) => {
    running += count;
    counts.cumulative[index]! += running;
  });
  counts.count += histogram.totalCount;
  counts.sumSeconds += (histogram.mean * histogram.totalCount) / 1e6;
}
