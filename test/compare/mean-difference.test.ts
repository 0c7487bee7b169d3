import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanDifferenceTest } from '../../src/compare/mean-difference.js';

test("Welch's z-test: means 10 and 12, sd 2 and 3, 50 each → z 3.92, p 8.77e-5 (scipy)", () => {
  const { pValue, interval } = meanDifferenceTest({ mean: 10, standardDeviation: 2, count: 50 }, { mean: 12, standardDeviation: 3, count: 50 });
  assert.ok(Math.abs(pValue - 8.76994237559024e-5) < 1e-10, String(pValue));
  assert.ok(Math.abs(interval[0] - 1.0006105396891196) < 1e-12 && Math.abs(interval[1] - 2.9993894603108804) < 1e-12, String(interval));
});

test('without spread, equal means are no difference and unequal ones a certain one', () => {
  const constant = (mean: number) => ({ mean, standardDeviation: 0, count: 100 });
  assert.deepEqual(meanDifferenceTest(constant(5), constant(5)), { pValue: 1, interval: [0, 0] });
  assert.deepEqual(meanDifferenceTest(constant(5), constant(6)), { pValue: 0, interval: [1, 1] });
});
