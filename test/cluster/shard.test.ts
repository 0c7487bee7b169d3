import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectionsOf, parseShard, ShardSyntaxError, splitConnections, targetRateOf } from '../../src/cluster/shard.js';
import { validatePlan } from '../../src/plan/index.js';
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
        const shares = Array.from({ length: count }, (_, share) => splitConnections(total, share, count));
        assert.equal(shares.reduce((sum, value) => sum + value, 0), total, `C = ${total}, N = ${count}`);
        assert.ok(Math.max(...shares) - Math.min(...shares) <= 1 && Math.min(...shares) >= 1);
      }
    }
    assert.deepEqual([0, 1, 2].map((share) => splitConnections(50, share, 3)), [17, 17, 16]);
  });

  test('a plan with more shards than connections is refused', () => {
    const plan = { target: { url: 'http://127.0.0.1:1/' }, executor: { type: 'max-throughput', durationMs: 1000 }, connections: 2, shard: { index: 1, count: 3 } };
    assert.deepEqual(problemsOf(plan), ['shard: 3 shards need at least 3 connections to share, the plan has 2']);
    assert.deepEqual(problemsOf({ ...plan, connections: 5, shard: { index: 4, count: 3 } }), ['shard: the shard index must be from 1 to count']);
  });

  test("a shard's connections and target rate are its share", () => {
    const plan = validatePlan({ target: { url: 'http://127.0.0.1:1/' }, executor: { type: 'constant-arrival-rate', ratePerSec: 900, durationMs: 1000 }, connections: 10, shard: { index: 3, count: 4 } });
    assert.equal(connectionsOf(plan), 2);
    assert.equal(targetRateOf(plan), 225);
    assert.equal(targetRateOf({ ...plan, shard: undefined }), 900);
    assert.equal(connectionsOf({ ...plan, shard: { index: 1, count: 4 } }), 3);
  });
});
