import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { measureCell, rowsCsv, MEASURE_COLUMNS } from '../../src/sweep/aggregate.js';
import { tInterval95, tQuantile975 } from '../../src/sweep/interval.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

/** A run whose answers took these latencies, ms, all in one second. */
const runOf = (latenciesMs: number[], extra: { failed?: number; dropped?: number } = {}) =>
  syntheticRunResult({ seconds: [{ latenciesUs: latenciesMs.map((ms) => ms * 1000), ...extra }] });

describe('measureCell', () => {
  // 99 fast answers and 1 slow one, then 100 answers at 50 ms: each run's p99 is far from the merged one.
  const fast = runOf([...Array.from({ length: 99 }, () => 1), 200]);
  const slow = runOf(Array.from({ length: 100 }, () => 50));
  const cell = measureCell([fast, slow]);

  test('latency percentiles come from the repeats’ histograms added, never from averaged percentiles', () => {
    assert.equal(cell.repeats, 2);
    assert.equal(cell.sent, 200);
    assert.equal(cell.completed, 200);
    // Merged: 99 at 1 ms, 100 at 50 ms and 1 at 200 ms, so the 198th of 200 is 50 ms.
    assert.ok(Math.abs(cell.latencyP99Ms - 50) < 0.1, `p99 ${cell.latencyP99Ms}`);
    const averagedP99 = (fast.summary.latencyMs.corrected.p99 + slow.summary.latencyMs.corrected.p99) / 2;
    assert.ok(Math.abs(averagedP99 - cell.latencyP99Ms) > 1, 'the average of the p99s would be another number');
    assert.ok(Math.abs(cell.latencyMeanMs - (99 * 1 + 200 + 100 * 50) / 200) < 0.1, `mean ${cell.latencyMeanMs}`);
  });

  test('the p99 interval is Student’s t over the repeats’ p99s, floored at 0; absent with one repeat', () => {
    const p99s = [fast.summary.latencyMs.corrected.p99, slow.summary.latencyMs.corrected.p99];
    const [low, high] = tInterval95(p99s)!;
    assert.equal(cell.latencyP99LowMs, Number(Math.max(0, low).toFixed(3)));
    assert.equal(cell.latencyP99HighMs, Number(high.toFixed(3)));
    const single = measureCell([fast]);
    assert.equal(single.latencyP99LowMs, undefined);
    assert.equal(single.latencyP99HighMs, undefined);
  });

  test('success rate counts dropped requests as not succeeded; no slowdown without service times', () => {
    const lossy = measureCell([runOf([1, 1, 1, 1, 1, 1], { failed: 2, dropped: 2 })]);
    assert.equal(lossy.sent, 8);
    assert.equal(lossy.completed, 6);
    assert.equal(lossy.failed, 2);
    assert.equal(lossy.successRate, 0.6);
    assert.equal(lossy.slowdownP50, undefined);
    assert.equal(lossy.serviceMeanMs, undefined);
  });
});

describe('measureCell: slowdown', () => {
  test('slowdown and service time come from the repeats’ histograms added together', () => {
    const quick = syntheticRunResult({ seconds: [{ latenciesUs: Array.from({ length: 100 }, () => 2000), serviceUs: 1000 }] });
    const queued = syntheticRunResult({ seconds: [{ latenciesUs: Array.from({ length: 100 }, () => 10_000), serviceUs: 1000 }] });
    const cell = measureCell([quick, queued]);
    // Within the histograms' 3 significant digits.
    const near = (actual: number | undefined, expected: number): void => assert.ok(Math.abs(actual! - expected) <= expected / 1000, `${actual} ≈ ${expected}`);
    near(cell.slowdownP50, 2);
    near(cell.slowdownP99, 10);
    near(cell.slowdownMean, 6);
    assert.equal(cell.serviceMeanMs, 1);
  });
});

describe('tInterval95', () => {
  test('uses t for few repeats and approaches the normal for many', () => {
    assert.equal(tQuantile975(1), 12.706);
    assert.equal(tQuantile975(30), 2.042);
    assert.ok(Math.abs(tQuantile975(60) - 2.0003) < 0.001);
    assert.ok(Math.abs(tQuantile975(1000) - 1.9623) < 0.001);
    const [low, high] = tInterval95([10, 12])!;
    // mean 11, s = √2, half-width 12.706 · √2 / √2.
    assert.ok(Math.abs(low - (11 - 12.706)) < 1e-9 && Math.abs(high - (11 + 12.706)) < 1e-9);
    assert.equal(tInterval95([10]), undefined);
  });
});

describe('rowsCsv', () => {
  test('the grid keys as named in the sweep file, then the measures in order; missing measures are empty fields', () => {
    const measures = measureCell([runOf([2, 4])]);
    const csv = rowsCsv(['executor.ratePerSec', 'arrival'], [{ params: { 'executor.ratePerSec': 20, arrival: 'a,b' }, ...measures }]);
    assert.ok(csv.startsWith(`executor.ratePerSec,arrival,${MEASURE_COLUMNS.join(',')}\r\n`));
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    assert.equal(row!['executor.ratePerSec'], '20');
    assert.equal(row!.arrival, 'a,b');
    assert.equal(row!.repeats, '1');
    assert.equal(row!.latencyP99LowMs, '');
    assert.equal(row!.slowdownP50, '');
    assert.equal(Number(row!.latencyP50Ms), measures.latencyP50Ms);
  });
});
