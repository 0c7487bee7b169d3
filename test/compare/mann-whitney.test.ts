import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mannWhitneyU } from '../../src/compare/mann-whitney.js';

// Expected U and p from scipy.stats.mannwhitneyu(a, b, method='asymptotic', use_continuity=True).
const CASES: { name: string; a: number[]; b: number[]; u: number; pValue: number }[] = [
  // Wikipedia's tortoise and hare: finishing places; the tortoise wins 11 of the 36 pairs, so U = 25 for "finished later".
  { name: 'tortoise and hare', a: [1, 7, 8, 9, 10, 11], b: [2, 3, 4, 5, 6, 12], u: 25, pValue: 0.2979530616081678 },
  { name: 'small groups with ties', a: [3, 4, 2, 6, 2, 5], b: [9, 7, 5, 10, 6, 8], u: 2, pValue: 0.012591911490379705 },
  { name: 'unequal sizes', a: [19, 22, 16, 29, 24], b: [20, 11, 17, 12], u: 17, pValue: 0.11134688653314041 },
  {
    name: 'per-second counts with many ties',
    a: [100, 100, 99, 101, 100, 100, 98, 100, 102, 100],
    b: [100, 101, 101, 102, 100, 103, 101, 102, 101, 104],
    u: 17,
    pValue: 0.010376155733907683,
  },
  { name: 'every value tied', a: Array(10).fill(0), b: Array(10).fill(0), u: 50, pValue: 1 },
];

test('Mann-Whitney U and its p-value match textbook and scipy values', () => {
  for (const { name, a, b, u, pValue } of CASES) {
    const result = mannWhitneyU(a, b);
    assert.equal(result.u, u, `${name}: U`);
    assert.ok(Math.abs(result.pValue - pValue) < 1e-6, `${name}: p ${result.pValue} vs ${pValue}`);
  }
});

test('swapping the groups mirrors U and keeps the p-value', () => {
  for (const { name, a, b } of CASES) {
    const forward = mannWhitneyU(a, b);
    const backward = mannWhitneyU(b, a);
    assert.equal(forward.u + backward.u, a.length * b.length, name);
    assert.equal(backward.pValue, forward.pValue, name);
    assert.ok(backward.z === -forward.z, `${name}: z ${backward.z} vs ${forward.z}`);
  }
});
