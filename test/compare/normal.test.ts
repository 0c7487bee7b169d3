import assert from 'node:assert/strict';
import { test } from 'node:test';
import { twoSidedPValue } from '../../src/compare/normal.js';

test('two-sided normal p-values match the table (scipy 2·norm.sf) to 1e-7 relative', () => {
  const cases: [number, number][] = [
    [0, 1],
    [1, 0.31731050786291415],
    [1.959963984540054, 0.05],
    [2.5758293035489, 0.01],
    [3, 0.0026997960632601866],
    [-3, 0.0026997960632601866],
    [5, 5.733031437583866e-7],
  ];
  for (const [z, expected] of cases) {
    const actual = twoSidedPValue(z);
    assert.ok(Math.abs(actual - expected) <= 1.2e-7 * expected, `z=${z}: ${actual} vs ${expected}`);
  }
});
