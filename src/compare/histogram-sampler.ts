import { JsHistogram, type Histogram } from 'hdr-histogram-js';
import { beta } from './distributions.js';

/** One unit in the last place of `x` (x > 0), as HdrHistogram computes it. */
const ulp = (x: number): number => 2 ** (Math.floor(Math.log2(x)) - 52);

/** The rank (1 = smallest) HdrHistogram's getValueAtPercentile reads: rounded up, but not past float noise (99.9% of 1000 is 999). */
export function rankAtPercentile(percentile: number, total: number): number {
  const exact = (Math.min(percentile, 100) / 100) * total;
  return Math.max(1, Math.ceil(exact - ulp(exact)));
}

/**
 * A histogram's recorded values as cumulative counts, to draw from: result files keep histograms, not
 * raw samples, so the bootstrap resamples a run's latencies from here.
 */
export class HistogramSampler {
  readonly total: number;
  /** Each recorded bucket's value as getValueAtPercentile reports it (the top of the bucket). */
  private readonly values: number[] = [];
  private readonly cumulative: number[] = [];

  constructor(histogram: Histogram) {
    // Only JS histograms can be walked; createHistogram and decodeHistogram build no other kind.
    if (!(histogram instanceof JsHistogram)) throw new TypeError('HistogramSampler needs a JsHistogram');
    const iterator = histogram.recordedValuesIterator;
    iterator.reset();
    let total = 0;
    while (iterator.hasNext()) {
      const step = iterator.next();
      total += step.countAtValueIteratedTo;
      this.values.push(step.valueIteratedTo);
      this.cumulative.push(total);
    }
    this.total = total;
  }

  /** The inverse of the cumulative distribution: a uniform `fraction` in [0, 1) picks each value in proportion to its count. */
  valueAt(fraction: number): number {
    return this.firstReaching(fraction * this.total);
  }

  /**
   * The percentile of one bootstrap resample (`total` values drawn with replacement), without drawing
   * them: the k-th smallest of n uniform draws is Beta(k, n − k + 1)-distributed, and the inverse
   * distribution maps it to the k-th smallest resampled value. Exact, and O(log buckets) instead of
   * O(n) per resample, so runs of millions of requests resample as fast as small ones.
   */
  resampledPercentile(percentile: number, random: () => number): number {
    const rank = rankAtPercentile(percentile, this.total);
    return this.valueAt(beta(rank, this.total - rank + 1, random));
  }

  /** The first value whose cumulative count reaches `count`. */
  private firstReaching(count: number): number {
    if (this.total === 0) throw new RangeError('cannot draw from an empty histogram');
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle]! >= count) high = middle;
      else low = middle + 1;
    }
    return this.values[low]!;
  }
}
