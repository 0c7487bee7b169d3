import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src/schedule/random.js';
import { apportion, WeightedPicker } from '../../src/scenario/weighted.js';

/** Pearson's chi-square statistic of observed counts against expected ones. */
function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, count, index) => sum + (count - expected[index]!) ** 2 / expected[index]!, 0);
}

describe('weighted choice', () => {
  test('picks match the weights (chi-square, fixed seed, p = 0.001 critical values)', () => {
    // Critical values of chi-square at p = 0.001 for 1, 2 and 3 degrees of freedom.
    const critical: Record<number, number> = { 1: 10.828, 2: 13.816, 3: 16.266 };
    for (const weights of [
      [1, 1],
      [3, 1],
      [5, 2, 1],
      [1, 10, 100, 1000],
    ]) {
      const picker = new WeightedPicker(
        weights.map((weight, index) => ({ index, weight })),
        (item) => item.weight,
        seededRandom(42),
      );
      const draws = 100_000;
      const observed = weights.map(() => 0);
      for (let i = 0; i < draws; i++) observed[picker.pick().index]!++;
      const total = weights.reduce((a, b) => a + b, 0);
      const expected = weights.map((weight) => (draws * weight) / total);
      const statistic = chiSquare(observed, expected);
      assert.ok(statistic < critical[weights.length - 1]!, `weights ${weights}: chi-square ${statistic.toFixed(2)}, observed ${observed}`);
    }
  });

  test('a skewed picker is caught by the same test (the test can fail)', () => {
    const picker = new WeightedPicker([{ weight: 3 }, { weight: 1 }], (item) => item.weight, seededRandom(42));
    const observed = [0, 0];
    for (let i = 0; i < 100_000; i++) observed[picker.pick().weight === 3 ? 0 : 1]!++;
    // Compared against a 1:1 expectation the 3:1 picks are far off.
    assert.ok(chiSquare(observed, [50_000, 50_000]) > 10.828);
  });

  test('the same seed gives the same picks', () => {
    const picks = (seed: number) => {
      const picker = new WeightedPicker(['a', 'b', 'c'], () => 1, seededRandom(seed));
      return Array.from({ length: 50 }, () => picker.pick()).join('');
    };
    assert.equal(picks(7), picks(7));
    assert.notEqual(picks(7), picks(8));
  });

  test('an empty list is refused', () => {
    assert.throws(() => new WeightedPicker([], () => 1, Math.random), RangeError);
  });
});

describe('apportion: user counts that follow the mix exactly', () => {
  const cases: [number, number[], number[]][] = [
    [10, [3, 1], [8, 2]],
    [4, [3, 1], [3, 1]],
    [1, [3, 1], [1, 0]],
    [0, [3, 1], [0, 0]],
    [100, [1, 1, 1], [34, 33, 33]],
    [7, [2, 0, 5], [2, 0, 5]],
    [5, [1, 0], [5, 0]],
  ];
  for (const [total, weights, shares] of cases) {
    test(`${total} users at ${weights.join(':')} → ${shares.join(' + ')}`, () => {
      assert.deepEqual(apportion(total, weights), shares);
    });
  }

  test('shares always sum to the total and stay within one of the exact share', () => {
    const random = seededRandom(3);
    for (let round = 0; round < 500; round++) {
      const weights = Array.from({ length: 1 + Math.floor(random() * 5) }, () => 1 + Math.floor(random() * 9));
      const total = Math.floor(random() * 200);
      const shares = apportion(total, weights);
      const sum = weights.reduce((a, b) => a + b, 0);
      assert.equal(
        shares.reduce((a, b) => a + b, 0),
        total,
      );
      shares.forEach((share, index) => assert.ok(Math.abs(share - (total * weights[index]!) / sum) < 1));
    }
  });
});
