import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HistogramSampler, rankAtPercentile } from '../../src/compare/histogram-sampler.js';
import { createHistogram, recordUs } from '../../src/metrics/histogram.js';
import { seededRandom } from '../../src/schedule/random.js';

const histogramOf = (valuesUs: number[]) => {
  const histogram = createHistogram();
  for (const us of valuesUs) recordUs(histogram, us);
  return histogram;
};

/** Log-normal-ish latencies around `medianUs`, as a target's answers spread. */
const latencies = (count: number, medianUs: number, seed: number): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.round(medianUs * Math.exp((random() + random() + random() - 1.5) * 1.5)));
};

test("the value at a percentile's rank is exactly what HdrHistogram reports, float noise included (99.9% of 1000)", () => {
  for (const count of [1, 2, 3, 10, 999, 1000, 1001, 4321]) {
    const histogram = histogramOf(latencies(count, 5000, count));
    const sampler = new HistogramSampler(histogram);
    assert.equal(sampler.total, count);
    for (const percentile of [0.1, 1, 10, 25, 50, 66.6, 90, 99, 99.9, 99.99, 100]) {
      // Halfway into the rank's own count, so the inverse distribution lands on that rank's value.
      const valueAtRank = sampler.valueAt((rankAtPercentile(percentile, count) - 0.5) / count);
      assert.equal(valueAtRank, histogram.getValueAtPercentile(percentile), `p${percentile} of ${count}`);
    }
  }
  assert.equal(rankAtPercentile(99.9, 1000), 999);
});

test('valueAt draws each recorded value in proportion to its count', () => {
  const sampler = new HistogramSampler(histogramOf([...Array(10).fill(100), ...Array(30).fill(200), ...Array(60).fill(300)]));
  const random = seededRandom(5);
  const drawn = new Map<number, number>();
  for (let index = 0; index < 20_000; index++) {
    const value = sampler.valueAt(random());
    drawn.set(value, (drawn.get(value) ?? 0) + 1);
  }
  assert.deepEqual(
    [...drawn.keys()].sort((a, b) => a - b),
    [100, 200, 300],
  );
  for (const [value, share] of [
    [100, 0.1],
    [200, 0.3],
    [300, 0.6],
  ] as const) {
    assert.ok(Math.abs(drawn.get(value)! / 20_000 - share) < 0.015, `share of ${value}: ${drawn.get(value)! / 20_000}`);
  }
});

test('a resampled percentile is distributed as the percentile of n values drawn with replacement', () => {
  const count = 300;
  const sampler = new HistogramSampler(histogramOf(latencies(count, 2000, 77)));
  const shortcut = seededRandom(1);
  const bruteForce = seededRandom(2);
  const resamples = 3000;
  for (const percentile of [50, 90, 99]) {
    const direct = Array.from({ length: resamples }, () => sampler.resampledPercentile(percentile, shortcut));
    const drawn = Array.from({ length: resamples }, () => {
      const resample = histogramOf(Array.from({ length: count }, () => sampler.valueAt(bruteForce())));
      return resample.getValueAtPercentile(percentile);
    });
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const deviation = (values: number[]) => Math.sqrt(mean(values.map((value) => (value - mean(values)) ** 2)));
    const spread = deviation(drawn);
    assert.ok(Math.abs(mean(direct) - mean(drawn)) < 0.08 * spread, `p${percentile} means ${mean(direct)} vs ${mean(drawn)} (sd ${spread})`);
    assert.ok(Math.abs(deviation(direct) / spread - 1) < 0.1, `p${percentile} sds ${deviation(direct)} vs ${spread}`);
  }
});

test('an empty histogram has nothing to draw', () => {
  const sampler = new HistogramSampler(createHistogram());
  assert.equal(sampler.total, 0);
  assert.throws(() => sampler.valueAt(0.5), /empty histogram/);
});
