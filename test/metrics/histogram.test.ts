import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { createHistogram, decodeHistogram, encodeHistogram, HISTOGRAM_HIGHEST_US, maxUs, recordUs } from '../../src/metrics/histogram.js';

/** A small deterministic generator, so a failure names the same histogram every time. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('encodeHistogram', () => {
  const shapes: Record<string, (next: () => number) => number[]> = {
    empty: () => [],
    'one value': () => [250],
    'a second at 5k req/s': (next) => Array.from({ length: 5000 }, () => 80 + Math.exp(next() * 6) * 10),
    'long tails and both ends of the range': (next) => [0, 1, HISTOGRAM_HIGHEST_US, ...Array.from({ length: 3000 }, () => Math.exp(next() * 17))],
    // 2^14 and more of one value: counts whose ZigZag form takes three bytes and more.
    'large counts in one bucket': () => Array.from({ length: 300_000 }, (_, index) => (index % 3 === 0 ? 100 : 5_000)),
  };

  for (const [name, values] of Object.entries(shapes)) {
    test(`writes the same text as hdr-histogram-js, which reads it back unchanged: ${name}`, () => {
      const histogram = createHistogram();
      for (const value of values(random(name.length))) recordUs(histogram, value);
      const encoded = encodeHistogram(histogram);
      assert.equal(encoded, encodeIntoCompressedBase64(histogram));
      const decoded = decodeHistogram(encoded);
      assert.equal(decoded.totalCount, histogram.totalCount);
      assert.equal(maxUs(decoded), maxUs(histogram));
      for (const percentile of [1, 50, 99, 99.99]) assert.equal(decoded.getValueAtPercentile(percentile), histogram.getValueAtPercentile(percentile));
    });
  }
});
