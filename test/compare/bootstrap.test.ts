import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapPercentileDifference } from '../../src/compare/bootstrap.js';
import { HistogramSampler } from '../../src/compare/histogram-sampler.js';
import { createHistogram, recordUs } from '../../src/metrics/histogram.js';
import { seededRandom } from '../../src/schedule/random.js';

/** `count` latencies around `medianUs`, spread as a target's answers are. */
const sampler = (count: number, medianUs: number, seed: number): HistogramSampler => {
  const random = seededRandom(seed);
  const histogram = createHistogram();
  for (let index = 0; index < count; index++) recordUs(histogram, medianUs * Math.exp((random() + random() + random() - 1.5) * 1.2));
  return new HistogramSampler(histogram);
};

const options = (seed = 1) => ({ resamples: 1000, random: seededRandom(seed) });

test('1 ms against 2 ms is a significant difference, at every percentile', () => {
  const constant = (us: number) => {
    const histogram = createHistogram();
    histogram.recordValueWithCount(us, 500);
    return new HistogramSampler(histogram);
  };
  const exact = bootstrapPercentileDifference(constant(1000), constant(2000), 99, options());
  assert.deepEqual(exact, { pValue: 2 / 1001, interval: [1000, 1000] });

  const [oneMs, twoMs] = [sampler(500, 1000, 1), sampler(500, 2000, 2)];
  for (const percentile of [50, 90, 99]) {
    const { pValue, interval } = bootstrapPercentileDifference(oneMs, twoMs, percentile, options());
    assert.ok(pValue < 0.01, `p${percentile}: p=${pValue}`);
    assert.ok(interval[0] > 0, `p${percentile}: the interval ${interval} lies above zero`);
  }
});

test('two samples of one distribution (different seeds) are no significant difference', () => {
  const [first, second] = [sampler(2000, 1000, 3), sampler(2000, 1000, 4)];
  for (const percentile of [50, 90, 99, 99.9]) {
    const { pValue, interval } = bootstrapPercentileDifference(first, second, percentile, options());
    assert.ok(pValue >= 0.05, `p${percentile}: p=${pValue}`);
    assert.ok(interval[0] <= 0 && interval[1] >= 0, `p${percentile}: the interval ${interval} holds zero`);
  }
});

test('calibrated: samples of one distribution are called significant about 5% of the time, not more', () => {
  let significant = 0;
  const pairs = 100;
  for (let pair = 0; pair < pairs; pair++) {
    const { pValue } = bootstrapPercentileDifference(sampler(400, 1000, 100 + 2 * pair), sampler(400, 1000, 101 + 2 * pair), 90, options(pair));
    if (pValue < 0.05) significant++;
  }
  assert.ok(significant >= 1 && significant <= 12, `${significant} of ${pairs} pairs called significant`);
});

test('the same seed gives the same answer', () => {
  const [first, second] = [sampler(300, 1000, 5), sampler(300, 1100, 6)];
  assert.deepEqual(bootstrapPercentileDifference(first, second, 90, options(9)), bootstrapPercentileDifference(first, second, 90, options(9)));
});
