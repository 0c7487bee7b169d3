import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MergeError, mergeResults } from '../../src/result/merge.js';
import type { RunResult } from '../../src/result/types.js';
import { SYNTHETIC_START_EPOCH_MS, syntheticRunResult } from '../support/synthetic-run-result.js';

/** Shard `index` of `count`: a synthetic run stamped as a shard (the target rate is its share, as a run writes it). */
function shard(index: number, count: number, overrides: Partial<RunResult['plan']> = {}): RunResult {
  const result = syntheticRunResult({ seconds: [{ latenciesUs: [1000 * index, 2000, 3000] }], startEpochMs: SYNTHETIC_START_EPOCH_MS + index });
  return {
    ...result,
    plan: { ...result.plan, ...overrides, shard: { index, count } },
    summary: { ...result.summary, rate: { ...result.summary.rate, target: 100 / count } },
    startAt: { requested: new Date(SYNTHETIC_START_EPOCH_MS).toISOString(), skewMs: index },
  };
}

const refusal = (results: RunResult[], names?: string[]): string => {
  try {
    mergeResults(results, names);
  } catch (error) {
    assert.ok(error instanceof MergeError);
    return error.message;
  }
  assert.fail('the merge was accepted');
};

describe('merging shards', () => {
  test('a complete set merges into the plan without shard, at the whole rate', () => {
    const merged = mergeResults([shard(2, 3), shard(3, 3), shard(1, 3)]);
    assert.equal(merged.plan.shard, undefined);
    assert.deepEqual(merged.shards, { count: 3, startSpreadMs: 2, maxSkewMs: 3 });
    assert.equal(merged.summary.rate.target, 100);
    assert.equal(merged.summary.requests.sent, 9);
    assert.deepEqual(
      merged.sources?.map((source) => source.shard?.index),
      [2, 3, 1],
    );
    assert.deepEqual(
      merged.sources?.map((source) => source.startAt?.skewMs),
      [2, 3, 1],
    );
  });

  test('a single shard of one is a complete set', () => {
    assert.equal(mergeResults([shard(1, 1)]).shards?.count, 1);
  });

  test('refuses a missing shard', () => {
    assert.equal(refusal([shard(1, 8), shard(2, 8), shard(4, 8), shard(5, 8), shard(6, 8), shard(7, 8), shard(8, 8)]), 'cannot merge: shard 3/8 is missing');
    assert.equal(refusal([shard(1, 4), shard(3, 4)]), 'cannot merge: shards 2/4, 4/4 are missing');
  });

  test('refuses a duplicate shard', () => {
    assert.equal(refusal([shard(1, 2), shard(2, 2), shard(2, 2)], ['a.json', 'b.json', 'c.json']), 'cannot merge: shard 2/2 appears twice (b.json and c.json)');
  });

  test('refuses mismatched counts', () => {
    assert.equal(refusal([shard(1, 2), shard(2, 3)], ['a.json', 'b.json']), 'cannot merge: b.json is shard 2/3, but a.json is one of 2 shards');
  });

  test('refuses shards mixed with a whole run', () => {
    const whole = syntheticRunResult({ seconds: [{ latenciesUs: [1000] }] });
    assert.equal(refusal([whole, shard(1, 1)], ['whole.json', 's.json']), 'cannot merge: whole.json is not a shard, but s.json is shard 1/1');
  });

  test('refuses shards of different plans', () => {
    assert.equal(
      refusal([shard(1, 2), shard(2, 2, { timeoutMs: 5 })], ['a.json', 'b.json']),
      'cannot merge: b.json ran a different plan (timeoutMs 5 vs 10000 in a.json)',
    );
  });

  test("shards' seconds line up by run second, even when their starts straddle a wall-clock second", () => {
    const at = (startEpochMs: number, index: number) => {
      const result = syntheticRunResult({ seconds: [{ latenciesUs: [1000, 2000] }, { latenciesUs: [3000] }], startEpochMs });
      return { ...result, plan: { ...result.plan, shard: { index, count: 2 } } };
    };
    const second = Math.ceil(SYNTHETIC_START_EPOCH_MS / 1000) * 1000;
    const merged = mergeResults([at(second - 1, 1), at(second + 1, 2)]);
    assert.deepEqual(
      merged.series.map((sample) => [sample.second, sample.sent, sample.startEpochMs]),
      [
        [0, 4, second - 1],
        [1, 2, second + 999],
      ],
    );
  });

  test('a merged set merges on with whole runs of its plan, as one', () => {
    const merged = mergeResults([shard(1, 2), shard(2, 2)]);
    const whole = syntheticRunResult({ seconds: [{ latenciesUs: [1000] }] });
    const again = mergeResults([merged, whole]);
    assert.equal(again.summary.requests.sent, 7);
    assert.equal(again.sources?.length, 3);
  });
});
