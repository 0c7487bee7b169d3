import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beta, gamma, standardNormal } from '../../src/compare/distributions.js';
import { seededRandom } from '../../src/schedule/random.js';

/** Mean and variance of `count` draws. */
function moments(draw: () => number, count = 50_000): { mean: number; variance: number } {
  let sum = 0;
  let sumOfSquares = 0;
  for (let index = 0; index < count; index++) {
    const value = draw();
    sum += value;
    sumOfSquares += value * value;
  }
  const mean = sum / count;
  return { mean, variance: sumOfSquares / count - mean * mean };
}

const near = (actual: number, expected: number, tolerance: number, label: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} vs ${expected} ± ${tolerance}`);

test('standard normal draws have mean 0 and variance 1', () => {
  const random = seededRandom(11);
  const { mean, variance } = moments(() => standardNormal(random));
  near(mean, 0, 0.02, 'mean');
  near(variance, 1, 0.03, 'variance');
});

test('gamma draws have mean k and variance k, for small and huge shapes', () => {
  const random = seededRandom(12);
  for (const shape of [1, 2.5, 40, 1e6]) {
    const { mean, variance } = moments(() => gamma(shape, random));
    near(mean, shape, 0.02 * Math.sqrt(shape) + 0.01, `mean of Gamma(${shape})`);
    near(variance, shape, 0.05 * shape, `variance of Gamma(${shape})`);
  }
  assert.throws(() => gamma(0.5, random), /at least 1/);
});

test('beta draws have mean a/(a+b) and the textbook variance, as order statistics need them', () => {
  const random = seededRandom(13);
  for (const [a, b] of [
    [1, 1],
    [2, 5],
    [500, 500],
    [9990, 11],
  ] as const) {
    const expectedMean = a / (a + b);
    const expectedVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    const { mean, variance } = moments(() => beta(a, b, random));
    near(mean, expectedMean, 4 * Math.sqrt(expectedVariance / 50_000), `mean of Beta(${a}, ${b})`);
    near(variance, expectedVariance, 0.05 * expectedVariance, `variance of Beta(${a}, ${b})`);
  }
});
