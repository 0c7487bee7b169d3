import type { Histogram } from 'hdr-histogram-js';
import { createHistogram, decodeHistogram } from '../metrics/histogram.js';

/** Adds count records key by key: errors by cause, status codes, drops by reason. */
export function sumCounts<K extends string>(records: readonly Partial<Record<K, number>>[]): Record<K, number> {
  const sum = {} as Record<K, number>;
  for (const record of records) {
    for (const [key, count] of Object.entries(record) as [K, number][]) sum[key] = (sum[key] ?? 0) + count;
  }
  return sum;
}

/** One histogram holding every value of the encoded ones: HdrHistograms add exactly, bucket by bucket. `create` as for decodeHistogram. */
export function sumHistograms(encoded: readonly string[], create: () => Histogram = createHistogram): Histogram {
  const sum = create();
  for (const text of encoded) sum.add(decodeHistogram(text, create));
  return sum;
}
