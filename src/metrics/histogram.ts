import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram, type JsHistogram } from 'hdr-histogram-js';

/** Every latency and lag histogram: 1 µs to 60 s at 3 significant digits, values in µs. */
export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 60_000_000;
export const HISTOGRAM_DIGITS = 3;

export function createHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_DIGITS,
    bitBucketSize: 32,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records a duration in whole µs, clamped into the trackable range so an outlier never throws mid-run. */
export function recordUs(histogram: Histogram, us: number): void {
  histogram.recordValue(us <= 0 ? 0 : us >= HISTOGRAM_HIGHEST_US ? HISTOGRAM_HIGHEST_US : Math.round(us));
}

/** Lossless text form (HdrHistogram's compressed base64), readable by HdrHistogram's own tools. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** `create` makes the histogram it is decoded into: one of the kind it was encoded from (latency by default). */
export function decodeHistogram(encoded: string, create: () => Histogram = createHistogram): Histogram {
  const decoded = decodeFromCompressedBase64(encoded, 32, false);
  // Decoding yields the smallest histogram that holds the data; widen it so histograms add freely.
  const histogram = create();
  histogram.add(decoded);
  histogram.startTimeStampMsec = decoded.startTimeStampMsec;
  histogram.endTimeStampMsec = decoded.endTimeStampMsec;
  decoded.destroy();
  return histogram;
}

/** Percentiles (ms) of an encoded histogram, read without widening it (see decodeHistogram): for a display, once a second. */
export function encodedPercentilesMs(encoded: string, percentiles: readonly number[]): number[] {
  const decoded = decodeFromCompressedBase64(encoded, 32, false);
  const values = percentiles.map((percentile) => (decoded.totalCount === 0 ? 0 : decoded.getValueAtPercentile(percentile) / 1000));
  decoded.destroy();
  return values;
}

const usToMs = (us: number): number => Math.round(us) / 1000;

/**
 * The largest value recorded, as the top of its bucket, the way HdrHistogram reports it: percentiles
 * read bucket tops too, so no percentile exceeds the max, and a histogram read back from its encoding
 * (which keeps buckets, not values) reports the same max as the one that recorded it.
 */
export function maxUs(histogram: Histogram): number {
  return histogram.maxValue === 0 ? 0 : (histogram as JsHistogram).highestEquivalentValue(histogram.maxValue);
}

/**
 * What a second of the series shows: p50, p99 and max in ms. Only these, since a mean walks every
 * recorded value, and the seconds of a run on worker threads are joined live, once a second.
 */
export function secondLatencyMs(histogram: Histogram): { p50: number; p99: number; max: number } {
  const empty = histogram.totalCount === 0;
  const atMs = (percentile: number): number => (empty ? 0 : histogram.getValueAtPercentile(percentile) / 1000);
  return { p50: atMs(50), p99: atMs(99), max: maxUs(histogram) / 1000 };
}

export interface PercentilesMs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  min: number;
  count: number;
}

export function percentilesMs(histogram: Histogram): PercentilesMs {
  const empty = histogram.totalCount === 0;
  const at = (percentile: number): number => (empty ? 0 : usToMs(histogram.getValueAtPercentile(percentile)));
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: empty ? 0 : usToMs(maxUs(histogram)),
    mean: empty ? 0 : Math.round(histogram.mean) / 1000,
    min: empty ? 0 : usToMs(histogram.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : histogram.minNonZeroValue),
    count: histogram.totalCount,
  };
}
