import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  composeShares,
  connectionsOf,
  parseShard,
  shareOfCounts,
  ShardSyntaxError,
  splitEvenly,
  targetRateAtMs,
  targetRateOf,
  type Shard,
} from '../../src/plan/shard.js';
import { validatePlan } from '../../src/plan/index.js';
import { ConstantPacer } from '../../src/schedule/constant.js';
import type { Pacer } from '../../src/schedule/pacer.js';
import { PoissonPacer } from '../../src/schedule/poisson.js';
import { ShardedPacer } from '../../src/schedule/sharded.js';
import { problemsOf } from '../support/plan.js';

describe('shards', () => {
  test('parseShard reads index/count, 1-based', () => {
    assert.deepEqual(parseShard('2/8'), { index: 2, count: 8 });
    assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
    assert.deepEqual(parseShard('8/8'), { index: 8, count: 8 });
  });

  for (const text of ['0/8', '9/8', '2/0', 'x', '2', '2/8/1', '-1/8', '1.5/8', '']) {
    test(`parseShard refuses "${text}"`, () => assert.throws(() => parseShard(text), ShardSyntaxError));
  }

  test('connections split over N shares sum to C, none lost, none empty', () => {
    for (let total = 1; total <= 40; total++) {
      for (let count = 1; count <= Math.min(total, 8); count++) {
        const shares = Array.from({ length: count }, (_, share) => splitEvenly(total, share, count));
        assert.equal(
          shares.reduce((sum, value) => sum + value, 0),
          total,
          `C = ${total}, N = ${count}`,
        );
        assert.ok(Math.max(...shares) - Math.min(...shares) <= 1 && Math.min(...shares) >= 1);
      }
    }
    assert.deepEqual(
      [0, 1, 2].map((share) => splitEvenly(50, share, 3)),
      [17, 17, 16],
    );
  });

  test('a plan with more shards than connections is refused', () => {
    const plan = {
      target: { url: 'http://127.0.0.1:1/' },
      executor: { type: 'max-throughput', durationMs: 1000 },
      connections: 2,
      shard: { index: 1, count: 3 },
    };
    assert.deepEqual(problemsOf(plan), ['shard: 3 shards need at least 3 connections to share, the plan has 2']);
    assert.deepEqual(problemsOf({ ...plan, connections: 5, shard: { index: 4, count: 3 } }), ['shard: the shard index must be from 1 to count']);
  });

  test("a shard's connections and target rate are its share", () => {
    const plan = validatePlan({
      target: { url: 'http://127.0.0.1:1/' },
      executor: { type: 'constant-arrival-rate', ratePerSec: 900, durationMs: 1000 },
      connections: 10,
      shard: { index: 3, count: 4 },
    });
    assert.equal(connectionsOf(plan), 2);
    assert.equal(targetRateOf(plan), 225);
    assert.equal(targetRateOf({ ...plan, shard: undefined }), 900);
    assert.equal(connectionsOf({ ...plan, shard: { index: 1, count: 4 } }), 3);
  });

  test("the rate asked for at an instant follows a ramp's stages, a shard's share of it, and is the one rate otherwise", () => {
    const ramp = validatePlan({
      target: { url: 'http://127.0.0.1:1/' },
      executor: {
        type: 'ramping-arrival-rate',
        startRatePerSec: 100,
        stages: [
          { targetRatePerSec: 300, durationMs: 2000 },
          { targetRatePerSec: 300, durationMs: 1000 },
          { targetRatePerSec: 0, durationMs: 1000 },
        ],
      },
      connections: 4,
    });
    const at = [0, 500, 1000, 2000, 2500, 3000, 3250, 4000, 9000].map((ms) => targetRateAtMs(ramp, ms));
    assert.deepEqual(at, [100, 150, 200, 300, 300, 300, 225, 0, 0]);
    assert.equal(targetRateAtMs({ ...ramp, shard: { index: 2, count: 4 } }, 1000), 50);
    const constant = validatePlan({ target: { url: 'http://127.0.0.1:1/' }, executor: { type: 'constant-arrival-rate', ratePerSec: 900, durationMs: 1000 } });
    assert.equal(targetRateAtMs(constant, 400), 900);
    assert.equal(targetRateAtMs(validatePlan({ target: { url: 'http://127.0.0.1:1/' }, executor: { type: 'max-throughput', durationMs: 1000 } }), 400), null);
  });

  test('a split of virtual users (or anything counted) over N = 1…8 loses no remainder', () => {
    for (let count = 1; count <= 8; count++) {
      for (let total = 0; total <= 50; total++) {
        const shares = Array.from({ length: count }, (_, share) => splitEvenly(total, share, count));
        assert.equal(
          shares.reduce((sum, value) => sum + value, 0),
          total,
          `${total} over ${count}`,
        );
        assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `${total} over ${count}: ${shares.join(' ')}`);
      }
    }
  });

  test('worker w of W inside shard s of N is share s + (w−1)·N of N·W', () => {
    assert.deepEqual(composeShares({ index: 2, count: 4 }, { index: 1, count: 2 }), { index: 2, count: 8 });
    assert.deepEqual(composeShares({ index: 2, count: 4 }, { index: 2, count: 2 }), { index: 6, count: 8 });
    assert.deepEqual(composeShares(undefined, { index: 3, count: 5 }), { index: 3, count: 5 });
  });

  /** The first `n` intended times of a 1-based share of `inner`'s schedule. */
  const dues = (inner: () => Pacer, shard: Shard, n: number): number[] => {
    const pacer = new ShardedPacer(inner(), shard.index - 1, shard.count);
    return Array.from({ length: n }, (_, index) => pacer.dueUs(index));
  };

  for (const [name, inner] of [
    ['constant', () => new ConstantPacer(700)],
    ['seeded Poisson', () => new PoissonPacer(700, 42)],
  ] as const) {
    test(`the workers of a shard send exactly that shard's ${name} schedule`, () => {
      for (const [shards, workers] of [
        [4, 2],
        [3, 3],
        [1, 4],
        [2, 1],
      ] as const) {
        for (let index = 1; index <= shards; index++) {
          const shard = { index, count: shards };
          const ofWorkers = Array.from({ length: workers }, (_, worker) => dues(inner, composeShares(shard, { index: worker + 1, count: workers }), 60)).flat();
          const window = Math.min(
            ...Array.from({ length: workers }, (_, worker) => dues(inner, composeShares(shard, { index: worker + 1, count: workers }), 60).at(-1)!),
          );
          const expected = dues(inner, shard, 60 * workers).filter((dueUs) => dueUs <= window);
          assert.deepEqual(
            ofWorkers.filter((dueUs) => dueUs <= window).sort((a, b) => a - b),
            expected,
            `shard ${index}/${shards} × ${workers} workers`,
          );
          assert.ok(expected.length >= 50 * workers);
        }
      }
    });
  }

  test("the connections of a shard's workers add up to the shard's", () => {
    for (let total = 1; total <= 40; total++) {
      for (let shards = 1; shards <= 4; shards++) {
        for (let workers = 1; workers <= 4 && shards * workers <= total; workers++) {
          for (let index = 1; index <= shards; index++) {
            const shard = { index, count: shards };
            const ofWorkers = Array.from({ length: workers }, (_, worker) => {
              const share = composeShares(shard, { index: worker + 1, count: workers });
              return splitEvenly(total, share.index - 1, share.count);
            });
            assert.equal(
              ofWorkers.reduce((sum, value) => sum + value, 0),
              splitEvenly(total, index - 1, shards),
              `C ${total}, shard ${index}/${shards}, ${workers} workers`,
            );
            assert.ok(Math.min(...ofWorkers) >= 1);
          }
        }
      }
    }
  });
});

describe('virtual users split over shares', () => {
  test('10 users at 8 + 2 over 3 shares: users numbered in type order, every third to each share', () => {
    assert.deepEqual(
      [1, 2, 3].map((index) => shareOfCounts([8, 2], { index, count: 3 })),
      [
        [3, 1],
        [3, 0],
        [2, 1],
      ],
    );
  });

  test("for N = 1..8 the shares add up to every type's count, none lost, and differ by at most one user", () => {
    const cases = [[0], [1], [7], [8, 2], [3, 0, 5], [1, 1, 1, 1], [100, 33, 7], [2, 9]];
    for (const counts of cases) {
      for (let count = 1; count <= 8; count++) {
        const shares = Array.from({ length: count }, (_, index) => shareOfCounts(counts, { index: index + 1, count }));
        counts.forEach((total, type) =>
          assert.equal(
            shares.reduce((sum, share) => sum + share[type]!, 0),
            total,
            `type ${type} of ${counts} over ${count}`,
          ),
        );
        const totals = shares.map((share) => share.reduce((a, b) => a + b, 0));
        assert.ok(Math.max(...totals) - Math.min(...totals) <= 1, `${counts} over ${count}: ${totals}`);
      }
    }
  });

  test('a worker inside a shard takes the composed share, the same users as splitting the whole that finely', () => {
    const counts = [13, 6];
    for (let shard = 1; shard <= 2; shard++) {
      for (let worker = 1; worker <= 3; worker++) {
        const composed = composeShares({ index: shard, count: 2 }, { index: worker, count: 3 });
        assert.deepEqual(shareOfCounts(counts, composed), shareOfCounts(counts, { index: composed.index, count: 6 }));
      }
    }
    const all = Array.from({ length: 6 }, (_, index) => shareOfCounts(counts, { index: index + 1, count: 6 }));
    assert.deepEqual(
      [0, 1].map((type) => all.reduce((sum, share) => sum + share[type]!, 0)),
      counts,
    );
  });

  test('a sharded virtual-user plan is valid', () => {
    const plan = validatePlan({
      target: { url: 'http://127.0.0.1:1/' },
      executor: { type: 'constant-vus', vus: 4, durationMs: 1000 },
      userTypes: [{ name: 'A', tasks: [{ name: 'x', request: { url: '/' } }] }],
      shard: { index: 2, count: 2 },
    });
    assert.deepEqual(plan.shard, { index: 2, count: 2 });
  });
});
