import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Breakdown } from '../../src/metrics/breakdown.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { mergeResults } from '../../src/result/merge.js';
import { mergeBreakdowns } from '../../src/result/merge-breakdown.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

function breakdownOf(
  records: [task: string, type: string, phase: number, latencyUs: number, failed: boolean][],
  checks: [string, boolean][] = [],
  exceptions: string[] = [],
) {
  const breakdown = new Breakdown(['phase 1', 'phase 2']);
  for (const record of records) breakdown.record(...record);
  for (const [name, passed] of checks) breakdown.check(name, passed);
  for (const message of exceptions) breakdown.exception(message);
  breakdown.count('violations', exceptions.length);
  return breakdown.result();
}

describe("merging virtual users' breakdowns", () => {
  test('rows of one name add up, histograms exactly, in order of first appearance', () => {
    const first = breakdownOf(
      [
        ['home', 'Browser', 0, 1000, false],
        ['home', 'Browser', 1, 3000, true],
        ['api', 'Api', 1, 500, false],
      ],
      [['ok', true]],
      ['boom'],
    );
    const second = breakdownOf(
      [
        ['cart', 'Browser', 0, 2000, false],
        ['home', 'Browser', 0, 9000, false],
      ],
      [
        ['ok', false],
        ['ok', true],
      ],
      ['boom', 'bang'],
    );
    const merged = mergeBreakdowns([first, undefined, second])!;
    assert.deepEqual(
      merged.tasks.map(({ name, requests, failures }) => [name, requests, failures]),
      [
        ['home', 3, 1],
        ['api', 1, 0],
        ['cart', 1, 0],
      ],
    );
    assert.deepEqual(
      merged.userTypes.map(({ name, requests }) => [name, requests]),
      [
        ['Browser', 4],
        ['Api', 1],
      ],
    );
    assert.deepEqual(
      merged.phases.map(({ name, requests }) => [name, requests]),
      [
        ['phase 1', 3],
        ['phase 2', 2],
      ],
    );
    const home = decodeHistogram(merged.tasks[0]!.histogram);
    assert.equal(home.totalCount, 3);
    assert.ok(home.maxValue >= 9000 && home.maxValue < 9010);
    assert.deepEqual(merged.checks, [{ name: 'ok', passes: 2, fails: 1 }]);
    assert.deepEqual(merged.exceptions, [
      { message: 'boom', count: 2 },
      { message: 'bang', count: 1 },
    ]);
    assert.deepEqual(merged.counters, [{ name: 'violations', count: 3 }]);
  });

  test('no breakdown anywhere stays none; mergeResults carries a breakdown through', () => {
    assert.equal(mergeBreakdowns([undefined, undefined]), undefined);
    const plain = syntheticRunResult({ seconds: [{ latenciesUs: [1000] }] });
    const another = { ...plain, runId: 'another run' };
    assert.equal(mergeResults([plain, another]).breakdown, undefined);
    const breakdown = breakdownOf([['home', 'Browser', 0, 1000, false]]);
    assert.deepEqual(
      mergeResults([
        { ...plain, breakdown },
        { ...another, breakdown },
      ]).breakdown!.tasks.map((row) => row.requests),
      [2],
    );
  });
});
