import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pacerFor, type ArrivalExecutor } from '../../src/runner/runtimes.js';
import type { Pacer } from '../../src/schedule/pacer.js';
import { RebasedPacer } from '../../src/schedule/rebased.js';
import { ShardedPacer } from '../../src/schedule/sharded.js';

const durationMs = 3000;
const executors: ArrivalExecutor[] = [
  { type: 'constant-arrival-rate', ratePerSec: 997, durationMs },
  { type: 'poisson-arrival-rate', ratePerSec: 1000, durationMs, seed: 42 },
  { type: 'bucket-rate', ratePerSec: 333, durationMs, bucketMs: 100 },
  { type: 'bucket-rate', ratePerSec: 15, durationMs, bucketMs: 100 },
  {
    type: 'ramping-arrival-rate',
    startRatePerSec: 0,
    stages: [
      { targetRatePerSec: 500, durationMs: 2000 },
      { targetRatePerSec: 0, durationMs: 1000 },
    ],
    durationMs,
  },
];

/** Every (due, deadline) of a pacer's schedule inside the duration, in order of index. */
function schedule(pacer: Pacer): string[] {
  const pairs: string[] = [];
  for (let index = 0; ; index++) {
    const dueUs = pacer.dueUs(index);
    if (dueUs >= durationMs * 1000) return pairs;
    pairs.push(`${dueUs}|${pacer.deadlineUs(index)}`);
  }
}

const sorted = (values: string[]): string[] => [...values].sort();

describe('ShardedPacer', () => {
  for (const executor of executors) {
    test(`the union of N shares is the whole ${executor.type} schedule (${JSON.stringify(executor)}), N = 1…8`, () => {
      const whole = schedule(pacerFor(executor, undefined));
      assert.ok(whole.length > 40);
      for (let count = 1; count <= 8; count++) {
        const shares = Array.from({ length: count }, (_, index) => schedule(pacerFor(executor, undefined, 0, { index: index + 1, count })));
        assert.deepEqual(sorted(shares.flat()), sorted(whole), `N = ${count}`);
        // Phase-offset, not blocks: every share gets every count-th request, so none lags behind.
        shares.forEach((share, index) =>
          assert.ok(Math.abs(share.length - whole.length / count) <= 1, `share ${index + 1}/${count} has ${share.length} of ${whole.length}`),
        );
      }
    });
  }

  test('share i of N takes global requests i, i + N, i + 2N, … (0-based)', () => {
    const global = { dueUs: (index: number) => index * 10, deadlineUs: (index: number) => index * 10 + 5 };
    const pacer = new ShardedPacer(global, 2, 5);
    assert.deepEqual(
      [0, 1, 2].map((index) => pacer.dueUs(index)),
      [20, 70, 120],
    );
    assert.deepEqual(
      [0, 1, 2].map((index) => pacer.deadlineUs(index)),
      [25, 75, 125],
    );
  });

  test('a rebased share keeps taking its share of the new global schedule', () => {
    const executor: ArrivalExecutor = { type: 'constant-arrival-rate', ratePerSec: 100, durationMs };
    const shares = [1, 2, 3].map((index) => new RebasedPacer(pacerFor(executor, 300, 1, { index, count: 3 }), 1_000_000, 7));
    const dues = shares.flatMap((pacer) => [7, 8, 9, 10].map((index) => pacer.dueUs(index)));
    assert.deepEqual(
      [...dues].sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, index) => 1_000_000 + (index * 1_000_000) / 300),
    );
  });

  test('refuses what is not a share', () => {
    const global = { dueUs: () => 0, deadlineUs: () => Infinity };
    for (const [share, count] of [
      [-1, 2],
      [2, 2],
      [0, 0],
      [0.5, 2],
    ] as const)
      assert.throws(() => new ShardedPacer(global, share, count), RangeError);
  });
});
