import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Breakdown } from '../../src/metrics/breakdown.js';

describe('Breakdown counters', () => {
  test('add up by name, in the order first counted', () => {
    const breakdown = new Breakdown([]);
    breakdown.count('b', 1);
    breakdown.count('a', 2);
    breakdown.count('b', 3);
    assert.deepEqual(breakdown.result().counters, [
      { name: 'b', count: 4 },
      { name: 'a', count: 2 },
    ]);
  });

  test('keep 100 names; later new names are tallied together, so a script cannot grow the result without bound', () => {
    const breakdown = new Breakdown([]);
    for (let i = 0; i < 150; i++) breakdown.count(`name ${i}`, 1);
    breakdown.count('name 0', 1);
    const { counters } = breakdown.result();
    assert.equal(counters.length, 101);
    assert.deepEqual(counters[0], { name: 'name 0', count: 2 });
    assert.deepEqual(counters.at(-1), { name: '(other names)', count: 50 });
  });
});
