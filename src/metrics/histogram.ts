import { deflateSync } from 'node:zlib';
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

/**
 * Lossless text form (HdrHistogram's compressed base64), readable by HdrHistogram's own tools, and
 * the same text hdr-histogram-js writes. Written here rather than by the library because a run
 * encodes each second's histogram on its sending thread: the library's encoder goes through a
 * growing byte buffer one method call per byte and cost 0.2–0.8 ms a second (3 ms at worst) there,
 * late sends at 5k req/s; this one walks the counts array once into a reused buffer.
 */
export function encodeHistogram(histogram: Histogram): string {
  const counts = (histogram as Partial<TypedCounts>)._counts;
  if (!(counts instanceof Uint32Array)) return encodeIntoCompressedBase64(histogram);
  const js = histogram as JsHistogram;
  const countsLimit = js.countsArrayIndex(js.maxValue) + 1;
  const bytes = encodingBuffer(V2_HEADER_BYTES + countsLimit * MAX_ZIGZAG_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setInt32(0, V2_ENCODING_COOKIE);
  view.setInt32(8, 1);
  view.setInt32(12, js.numberOfSignificantValueDigits);
  setInt64(view, 16, js.lowestDiscernibleValue);
  setInt64(view, 24, js.highestTrackableValue);
  setInt64(view, 32, 1);
  let at = V2_HEADER_BYTES;
  let index = 0;
  while (index < countsLimit) {
    const count = counts[index++]!;
    let word = count;
    if (count === 0) {
      let zeros = 1;
      while (index < countsLimit && counts[index] === 0) {
        zeros++;
        index++;
      }
      // Runs of zeros are written as one negative count; a lone zero as itself.
      if (zeros > 1) word = -zeros;
    }
    at = putZigZag(bytes, at, word);
  }
  view.setInt32(4, at - V2_HEADER_BYTES);
  const compressed = deflateSync(bytes.subarray(0, at));
  const framed = Buffer.allocUnsafe(8 + compressed.byteLength);
  framed.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
  framed.writeInt32BE(compressed.byteLength, 4);
  compressed.copy(framed, 8);
  return framed.toString('base64');
}

interface TypedCounts {
  _counts: unknown;
}

/** HdrHistogram's V2 encoding: cookie, payload length, index offset, digits, lowest, highest, ratio. */
const V2_HEADER_BYTES = 40;
const V2_ENCODING_COOKIE = 0x1c849303 | 0x10;
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
/** ZigZag LEB128 in HdrHistogram's 64-bit, 9-byte variant. */
const MAX_ZIGZAG_BYTES = 9;

let sharedEncodingBuffer = new Uint8Array(0);

function encodingBuffer(bytes: number): Uint8Array {
  if (sharedEncodingBuffer.length < bytes) sharedEncodingBuffer = new Uint8Array(bytes);
  return sharedEncodingBuffer;
}

function setInt64(view: DataView, at: number, value: number): void {
  view.setInt32(at, Math.floor(value / 2 ** 32));
  view.setInt32(at + 4, value % 2 ** 32);
}

function putZigZag(bytes: Uint8Array, start: number, signed: number): number {
  // Counts and zero runs stay far below 2^53, so plain arithmetic holds the 64-bit value exactly.
  let value = signed >= 0 ? signed * 2 : -signed * 2 - 1;
  let at = start;
  for (let byte = 0; byte < MAX_ZIGZAG_BYTES - 1 && value >= 0x80; byte++) {
    bytes[at++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  bytes[at++] = value;
  return at;
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
