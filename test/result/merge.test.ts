import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHistogram, decodeHistogram, encodeHistogram, percentilesMs, recordUs } from '../../src/metrics/histogram.js';
import { mergeResults, MergeError } from '../../src/result/merge.js';
import type { RunResult } from '../../src/result/types.js';
import { seededRandom } from '../../src/schedule/random.js';
import { SYNTHETIC_START_EPOCH_MS, syntheticRunResult, type SyntheticRunOptions, type SyntheticSecond } from '../support/synthetic-run-result.js';

const histogramOf = (valuesUs: number[]) => {
  const histogram = createHistogram();
  for (const us of valuesUs) recordUs(histogram, us);
  return histogram;
};

/** The percentiles of all the values in one histogram, as a result file holds it (its max is the top of its bucket). */
const storedPercentiles = (valuesUs: number[]) => percentilesMs(decodeHistogram(encodeHistogram(histogramOf(valuesUs))));

const run = (seconds: SyntheticSecond[], options: Omit<SyntheticRunOptions, 'seconds'> = {}) => syntheticRunResult({ seconds, ...options });

describe('mergeResults', () => {
  test('N results merge to exactly the percentiles and counts of one histogram holding every sample', () => {
    for (let trial = 0; trial < 25; trial++) {
      const random = seededRandom(1000 + trial);
      const parts = 2 + Math.floor(random() * 5);
      const sampleCount = 1 + Math.floor(random() * 4000);
      // Log-uniform from 1 µs to 60 s: every magnitude the histograms hold, with repeats at the low end.
      const samplesUs = Array.from({ length: sampleCount }, () => Math.max(1, Math.round(Math.exp(random() * Math.log(60_000_000)))));
      const secondsPerPart = Array.from({ length: parts }, () => Array.from({ length: 3 }, () => ({ latenciesUs: [] as number[], failed: 0 })));
      for (const us of samplesUs) secondsPerPart[Math.floor(random() * parts)]![Math.floor(random() * 3)]!.latenciesUs.push(us);
      const failures = Math.floor(random() * 20);
      for (let failure = 0; failure < failures; failure++) secondsPerPart[Math.floor(random() * parts)]![Math.floor(random() * 3)]!.failed++;
      const results = secondsPerPart.map((seconds) => run(seconds));

      const merged = mergeResults(results);
      const lagsUs = samplesUs.map((us) => Math.floor(us / 3));
      const failureLagsUs = Array.from({ length: failures }, () => 0);
      const label = `trial ${trial}: ${sampleCount} samples in ${parts} parts`;
      assert.deepEqual(merged.summary.latencyMs.corrected, storedPercentiles(samplesUs), label);
      assert.deepEqual(merged.summary.latencyMs.uncorrected, storedPercentiles(samplesUs.map((us, index) => us - lagsUs[index]!)), label);
      const { p50, p99, max } = storedPercentiles([...lagsUs, ...failureLagsUs]);
      assert.deepEqual(merged.summary.scheduleLagMs, { p50, p99, max }, label);
      // Only max is read from the bucket rather than the raw value; every other figure equals the live histogram's.
      const { max: _liveMax, ...live } = percentilesMs(histogramOf(samplesUs));
      const { max: _storedMax, ...stored } = merged.summary.latencyMs.corrected;
      assert.deepEqual(stored, live, label);

      const sum = (pick: (result: RunResult) => number) => results.reduce((total, result) => total + pick(result), 0);
      assert.equal(merged.summary.requests.completed, sampleCount, label);
      assert.equal(
        merged.summary.requests.sent,
        sum((result) => result.summary.requests.sent),
        label,
      );
      assert.equal(
        merged.summary.requests.failed,
        sum((result) => result.summary.requests.failed),
        label,
      );
      assert.equal(merged.summary.errors.timeout, merged.summary.requests.failed || undefined, label);
      assert.equal(merged.summary.statusCodes['200'], sampleCount, label);
      assert.equal(
        merged.series.reduce((total, second) => total + decodeHistogram(second.histogram).totalCount, 0),
        sampleCount,
        label,
      );
    }
  });

  test('seconds are aligned by wall-clock second: results started 1 s apart add up where they overlap', () => {
    const a = run([{ latenciesUs: [1000, 1000] }, { latenciesUs: [2000] }, { latenciesUs: [3000, 3000, 3000] }]);
    const b = run([{ latenciesUs: [10_000] }, { latenciesUs: [20_000, 20_000] }, { latenciesUs: [30_000], failed: 2 }], {
      startEpochMs: SYNTHETIC_START_EPOCH_MS + 1000,
    });
    const merged = mergeResults([a, b]);
    assert.deepEqual(
      merged.series.map(({ second, startEpochMs, sent, completed, failed }) => ({ second, startEpochMs, sent, completed, failed })),
      [
        { second: 0, startEpochMs: SYNTHETIC_START_EPOCH_MS, sent: 2, completed: 2, failed: 0 },
        { second: 1, startEpochMs: SYNTHETIC_START_EPOCH_MS + 1000, sent: 2, completed: 2, failed: 0 },
        { second: 2, startEpochMs: SYNTHETIC_START_EPOCH_MS + 2000, sent: 5, completed: 5, failed: 0 },
        { second: 3, startEpochMs: SYNTHETIC_START_EPOCH_MS + 3000, sent: 3, completed: 1, failed: 2 },
      ],
    );
    // Second 1 holds a's 2 ms and b's 10 ms: p50 and p99 come from the added histogram, not from either input's.
    assert.deepEqual(merged.series[1]!.latencyMs, { p50: 2, p99: 10.007, max: 10.007 });
    assert.deepEqual(merged.series[3]!.errors, { timeout: 2 });
    assert.equal(merged.startedAt, a.startedAt);
    assert.equal(merged.endedAt, b.endedAt);
    assert.equal(merged.durationMs, 4000, 'from the earliest start to the latest end');
    assert.equal(merged.summary.rate.achieved, 10 / 4, 'rates are over the merged span');
  });

  test('inputs started inside the same wall-clock second share merged seconds; seconds nobody covered stay, empty', () => {
    const wholeSecond = Math.ceil(SYNTHETIC_START_EPOCH_MS / 1000) * 1000;
    const a = run([{ latenciesUs: [1000] }], { startEpochMs: wholeSecond + 100 });
    const b = run([{ latenciesUs: [1000] }], { startEpochMs: wholeSecond + 900 });
    const c = run([{ latenciesUs: [1000] }], { startEpochMs: wholeSecond + 3100 });
    const merged = mergeResults([a, b, c]);
    assert.deepEqual(
      merged.series.map(({ second, sent }) => [second, sent]),
      [
        [0, 2],
        [1, 0],
        [2, 0],
        [3, 1],
      ],
    );
    assert.equal(decodeHistogram(merged.series[1]!.histogram).totalCount, 0);
  });

  test('refuses fewer than 2 results, another schema and another plan, naming the first difference', () => {
    const a = run([{ latenciesUs: [1000] }]);
    const halfRate = run([{ latenciesUs: [1000] }], { executor: { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: 1000 } });
    const poisson = run([{ latenciesUs: [1000] }], { executor: { type: 'poisson-arrival-rate', ratePerSec: 100, durationMs: 1000, seed: 3 } });
    const b = (): RunResult => run([{ latenciesUs: [2000] }]);
    const otherSchema = { ...a, schema: 'salvo.result/v0' } as unknown as RunResult;
    const otherHeader = { ...a, runId: 'another run', plan: { ...a.plan, target: { ...a.plan.target, headers: [['x-run', '2']] } } } as RunResult;
    const cases: [RunResult[], string[] | undefined, string][] = [
      [[], undefined, 'cannot merge: need at least 2 results, got 0'],
      [[a], undefined, 'cannot merge: need at least 2 results, got 1'],
      [[a, otherSchema], ['a.json', 'b.json'], 'cannot merge: b.json is not a salvo result (schema "salvo.result/v0", expected "salvo.result/v1")'],
      [
        [a, run([{ latenciesUs: [1000] }]), halfRate],
        ['a.json', 'b.json', 'c.json'],
        'cannot merge: c.json ran a different plan (executor.ratePerSec 50 vs 100 in a.json)',
      ],
      [
        [a, { ...a }],
        ['a.json', 'copy.json'],
        `cannot merge: a.json and copy.json hold the same run (run id ${a.runId}): merging it twice would double its counts`,
      ],
      [
        [a, mergeResults([b(), a])],
        ['a.json', 'ab.json'],
        `cannot merge: a.json and ab.json hold the same run (run id ${a.runId}): merging it twice would double its counts`,
      ],
      [
        [{ ...a, runId: undefined } as RunResult, { ...a, runId: undefined } as RunResult],
        undefined,
        'cannot merge: result 1 and result 2 hold the same run: merging it twice would double its counts',
      ],
      [[a, poisson], undefined, 'cannot merge: result 2 ran a different plan (executor.type "poisson-arrival-rate" vs "constant-arrival-rate" in result 1)'],
      [[a, otherHeader], undefined, 'cannot merge: result 2 ran a different plan (target.headers[0] ["x-run","2"] vs absent in result 1)'],
    ];
    for (const [results, names, message] of cases) {
      assert.throws(
        () => mergeResults(results, names),
        (error: unknown) => error instanceof MergeError && error.message === message,
        message,
      );
    }
  });

  test('target rates add up, max throughput has none, and the generator is the worst of the inputs', () => {
    const busy = { cpuPercent: 95, eventLoopDelayMs: { p50: 3, p99: 25, max: 40 } };
    const calm = { cpuPercent: 20, eventLoopDelayMs: { p50: 4, p99: 1, max: 2 } };
    const a = run([{ latenciesUs: [1000] }], { generator: calm });
    const b = run([{ latenciesUs: [1000] }], { generator: busy });
    const merged = mergeResults([a, b]);
    assert.equal(merged.summary.rate.target, 200);
    assert.deepEqual(merged.summary.generator, { cpuPercent: 95, eventLoopDelayMs: { p50: 4, p99: 25, max: 40 }, saturated: true });
    assert.equal(a.summary.generator.saturated, false);
    assert.match(merged.summary.warnings.join('\n'), /the generator was saturated/);
    assert.deepEqual(merged.sources, [
      { runId: a.runId, startedAt: a.startedAt, endedAt: a.endedAt, durationMs: 1000, generator: a.summary.generator, scheduleLagMs: a.summary.scheduleLagMs },
      { runId: b.runId, startedAt: b.startedAt, endedAt: b.endedAt, durationMs: 1000, generator: b.summary.generator, scheduleLagMs: b.summary.scheduleLagMs },
    ]);
    assert.match(merged.summary.warnings.at(-1)!, /^result 2 was the bottleneck \(CPU 95%, event-loop delay p99 25ms/);

    const maxThroughput = { type: 'max-throughput', durationMs: 1000 } as const;
    const closed = mergeResults([run([{ latenciesUs: [1000] }], { executor: maxThroughput }), run([{ latenciesUs: [1000] }], { executor: maxThroughput })]);
    assert.equal(closed.summary.rate.target, null);
  });

  test('counts by cause, status and drop reason add up', () => {
    const a = run([{ latenciesUs: [1000], failed: 1, dropped: 2 }]);
    const b = run([{ latenciesUs: [1000, 1000], dropped: 3 }]);
    const merged = mergeResults([a, b]);
    assert.deepEqual(merged.summary.requests, {
      sent: 4,
      completed: 3,
      failed: 1,
      dropped: 5,
      droppedBy: { queueFull: 5, lateBatch: 0, unsentAtEnd: 0 },
      interrupted: 0,
    });
    assert.deepEqual(merged.summary.errors, { timeout: 1, dropped: 5 });
    assert.deepEqual(merged.summary.statusCodes, { 200: 3 });
  });

  test('merging in steps gives the same result as merging at once', () => {
    const results = [0, 1, 2].map((index) =>
      run([{ latenciesUs: [1000 * (index + 1)] }, { latenciesUs: [500], failed: index }], { startEpochMs: SYNTHETIC_START_EPOCH_MS + index * 700 }),
    );
    const atOnce = mergeResults(results);
    const inSteps = mergeResults([mergeResults(results.slice(0, 2)), results[2]!]);
    // Each merge is a run of its own, with its own id.
    assert.notEqual(inSteps.runId, atOnce.runId);
    assert.deepEqual({ ...inSteps, runId: atOnce.runId }, atOnce);
    assert.equal(atOnce.summary.rate.target, 300);
    assert.equal(atOnce.sources!.length, 3);
  });

  test('runs whose last answer came before their planned end keep their planned duration as the denominator', () => {
    // As salvo run writes them: answered 992 ms after the start, measured over the planned 1000 ms.
    const early = (startEpochMs: number) => ({ ...run([{ latenciesUs: [1000] }], { startEpochMs }), endedAt: new Date(startEpochMs + 992).toISOString() });
    const merged = mergeResults([early(SYNTHETIC_START_EPOCH_MS), early(SYNTHETIC_START_EPOCH_MS + 50)]);
    assert.equal(merged.endedAt, new Date(SYNTHETIC_START_EPOCH_MS + 1042).toISOString());
    assert.equal(merged.durationMs, 1050);
  });

  test('an interrupted input makes the merge interrupted, with its reason', () => {
    const a = { ...run([{ latenciesUs: [1000] }]), interrupted: true, interruptReason: 'SIGINT' };
    const merged = mergeResults([a, run([{ latenciesUs: [1000] }])]);
    assert.equal(merged.interrupted, true);
    assert.equal(merged.interruptReason, 'SIGINT');
  });

  test('changes made while the inputs ran are kept, timed from the merged start; none, no field', () => {
    const first = { ...run([{ latenciesUs: [1000] }, { latenciesUs: [1000] }]), events: [{ tMs: 1500, what: 'rate' as const, from: 100, to: 200 }] };
    const later = {
      ...run([{ latenciesUs: [1000] }, { latenciesUs: [1000] }], { startEpochMs: SYNTHETIC_START_EPOCH_MS + 1000 }),
      events: [{ tMs: 200, what: 'stop' as const, from: null, to: null }],
    };
    assert.deepEqual(mergeResults([first, later]).events, [
      { tMs: 1200, what: 'stop', from: null, to: null },
      { tMs: 1500, what: 'rate', from: 100, to: 200 },
    ]);
    assert.equal('events' in mergeResults([run([{ latenciesUs: [1000] }]), run([{ latenciesUs: [1000] }])]), false);
  });
});
