import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHistogram, decodeHistogram, percentilesMs } from '../../src/metrics/histogram.js';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { SetupError } from '../../src/runner/setup-error.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { runWorkers, startWorkers } from '../../src/workers/index.js';

const DYING_WORKER = new URL('./dying-worker.js', import.meta.url);

describe('runs on worker threads', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess();
  });
  after(async () => {
    await target.stop();
  });

  const plan = (ratePerSec: number, durationMs: number, extra: Partial<PlanInput> = {}, path = '') =>
    validatePlan({ target: { url: `${target.url}${path}` }, executor: { type: 'constant-arrival-rate', ratePerSec, durationMs }, connections: 8, ...extra });

  test("3 workers send the whole schedule once, and the result is one run of the plan with each worker's health", async () => {
    const seconds: number[] = [];
    const whole = plan(300, 1000);
    const result = await runWorkers(whole, { workers: 3, onSecond: (sample) => seconds.push(sample.sent) });
    const { requests } = result.summary;
    assert.equal(requests.sent + requests.dropped, 300);
    assert.equal(requests.completed, requests.sent);
    assert.deepEqual(result.plan, whole);
    assert.equal(result.summary.rate.target, 300);
    assert.deepEqual(result.workers?.count, 3);
    assert.ok(result.workers!.mainBusyPercent >= 0 && result.workers!.mainBusyPercent < 100);
    assert.deepEqual(
      result.sources?.map((source) => source.worker),
      [1, 2, 3].map((index) => ({ index, count: 3 })),
    );
    assert.ok(result.sources?.every((source) => source.scheduleLagMs !== undefined && source.shard === undefined));
    assert.equal(
      result.series.reduce((sum, second) => sum + second.sent, 0),
      requests.sent,
    );
    assert.equal(decodeHistogram(result.histograms.corrected).totalCount, requests.completed);
    assert.deepEqual(result.summary.latencyMs.corrected, percentilesMs(decodeHistogram(result.histograms.corrected)));
    assert.ok(seconds.every((sent) => sent <= 300));
    assert.equal(result.interrupted, false);
    assert.equal(result.partial, undefined);
  });

  test("inside shard 2/4, two workers send the shard's share and the result is that shard's", async () => {
    const shard = plan(400, 1000, { shard: { index: 2, count: 4 } });
    const result = await runWorkers(shard, { workers: 2 });
    assert.deepEqual(result.plan.shard, { index: 2, count: 4 });
    assert.equal(result.summary.rate.target, 100);
    assert.equal(result.summary.requests.sent + result.summary.requests.dropped, 100);
    assert.deepEqual(
      result.sources?.map((source) => [source.shard, source.worker]),
      [
        [
          { index: 2, count: 4 },
          { index: 1, count: 2 },
        ],
        [
          { index: 2, count: 4 },
          { index: 2, count: 2 },
        ],
      ],
    );
  });

  test('an abort-on-fail threshold is judged on the joined seconds and ends every worker', async () => {
    const slow = plan(100, 4000, { thresholds: [{ expression: 'p99<1ms', abortOnFail: true }] }, '/delay/20');
    const result = await runWorkers(slow, { workers: 2 });
    assert.equal(result.interruptReason, 'threshold');
    assert.deepEqual(
      result.thresholds?.map(({ passed, second, abortedRun }) => ({ passed, second, abortedRun })),
      [{ passed: false, second: 0, abortedRun: true }],
    );
    assert.ok(result.summary.requests.sent < 400, `sent ${result.summary.requests.sent}: the run should have ended early`);
  });

  test('stop() ends every worker and keeps what they measured; setRate reaches every worker', async () => {
    // Steered from the joined seconds rather than from timers, so that threads slow to start on a busy machine still get their seconds.
    let handle: Awaited<ReturnType<typeof startWorkers>> | undefined;
    handle = await startWorkers(plan(50, 10_000, { gracefulStopMs: 2000 }), {
      workers: 2,
      onSecond: ({ second }) => {
        if (second === 0) handle!.setRate(2000);
        if (second === 1) handle!.stop();
      },
    });
    const result = await handle.result;
    assert.equal(result.interrupted, true);
    assert.equal(result.interruptReason, 'stopped');
    // 50/s alone would have sent about 50 in that second; the new rate sends hundreds, from both workers.
    assert.ok(result.summary.requests.sent > 150, `sent ${result.summary.requests.sent}`);
    assert.ok(result.sources!.every((source) => source.generator.cpuPercent > 0));
    assert.throws(() => handle.setRate(0), RangeError);
  });

  for (const how of ['throw', 'exit'] as const) {
    test(`a worker that dies (${how}) is named, and its measured share is kept in a partial result`, async () => {
      process.env.SALVO_TEST_DEATH = how;
      try {
        const result = await runWorkers(plan(200, 3000), { workers: 2, workerScript: DYING_WORKER });
        assert.equal(result.partial?.length, 1, JSON.stringify(result.summary.warnings));
        assert.match(
          result.partial![0]!,
          how === 'throw'
            ? /^worker 2\/2 died \(the test worker died on purpose\): what it measured in its first [12](\.\d+)?s is kept$/
            : /^worker 2\/2 died \(exited with code 3\)/,
        );
        assert.ok(result.summary.warnings.some((warning) => warning.startsWith('partial result: worker 2/2 died')));
        const { sent, dropped } = result.summary.requests;
        // Worker 1 sent its whole half (300); worker 2 its first second at least (100 of its 300).
        assert.ok(sent + dropped >= 400 && sent + dropped < 600, `sent ${sent}, dropped ${dropped}`);
        assert.equal(result.interrupted, false);
      } finally {
        delete process.env.SALVO_TEST_DEATH;
      }
    });
  }

  test('max throughput on 2 workers: each keeps its share of the connections busy, and the run has no target rate', async () => {
    const closed = validatePlan({ target: { url: target.url }, executor: { type: 'max-throughput', durationMs: 500 }, connections: 4 });
    const result = await runWorkers(closed, { workers: 2 });
    assert.equal(result.summary.rate.target, null);
    assert.ok(result.summary.requests.completed > 50, `completed ${result.summary.requests.completed}`);
    assert.equal(result.summary.requests.failed, 0);
    assert.equal(result.sources?.length, 2);
    assert.ok(result.series.length > 0);
  });

  test('given a start instant, the threads load first and start at it', async () => {
    // Far enough ahead for two threads to load on a busy machine; loading them after the instant would
    // make the start at least one thread's loading late, beyond the generous bound below.
    const startAtMs = Date.now() + 5000;
    const result = await runWorkers(plan(100, 500), { workers: 2, startAtMs });
    const lateMs = Date.parse(result.startedAt) - startAtMs;
    assert.ok(lateMs >= 0 && lateMs < 1000, `started ${lateMs} ms after the instant`);
    assert.equal(result.summary.requests.sent + result.summary.requests.dropped, 50);
  });

  test('more workers than connections is refused before any thread starts', async () => {
    await assert.rejects(
      runWorkers(plan(10, 100, { connections: 2 }), { workers: 3 }),
      (error: Error) => error instanceof SetupError && error.message === '3 workers need at least 3 connections to share, the plan has 2',
    );
  });

  test("the joined histogram is the sum of the workers' own", async () => {
    const result = await runWorkers(plan(200, 1000), { workers: 2 });
    const all = createHistogram();
    for (const second of result.series) all.add(decodeHistogram(second.histogram));
    assert.equal(all.totalCount, result.summary.requests.completed);
    assert.equal(percentilesMs(all).p99, result.summary.latencyMs.corrected.p99);
  });
});
