import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { mergeResults } from '../../src/result/merge.js';
import type { RunResult } from '../../src/result/types.js';
import { run } from '../../src/runner/index.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import { runWorkers } from '../../src/workers/index.js';

/**
 * How late the target answers its slow requests: well above what a busy machine adds to a request's
 * latency on its own (stalls of 400-650 ms were seen with both cores taken), so that the summary's
 * latencies and the threshold tell the slow answers from the machine's delays.
 */
const SLOW_MS = 1500;
const RATE = 50;
/**
 * The target is slow for its first SLOW_COUNT requests, half the warm-up's: counted, not timed by its
 * own clock, so that a busy machine sending the requests late moves no request due after the warm-up
 * into the slow ones; and half, so that one sent a little out of order at the target still belongs to
 * the warm-up.
 */
const SLOW_COUNT = RATE / 2;
/** The status of a slow answer, so that the result says where the slow requests were tallied. */
const SLOW_STATUS = 203;

/** A target that answers its first SLOW_COUNT requests since `reset` SLOW_MS late with SLOW_STATUS, then the others at once with 200. */
async function startSlowStartTarget(): Promise<{ url: string; reset(): void; close(): Promise<void> }> {
  let served = 0;
  const server: Server = createServer((_request, response) => {
    if (served++ >= SLOW_COUNT) return void response.end('ok');
    response.statusCode = SLOW_STATUS;
    setTimeout(() => response.end('slow'), SLOW_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    reset: () => (served = 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const planOf = (url: string, extra: Partial<PlanInput> = {}) =>
  validatePlan({
    target: { url },
    executor: { type: 'constant-arrival-rate', ratePerSec: RATE, durationMs: 2000 },
    warmupMs: 1000,
    thresholds: [{ expression: `p99<${SLOW_MS}ms` }],
    ...extra,
  });

/** The slow requests are all in the 1 s warm-up, and none in the summary, which holds the other second. */
function assertWarmupHeldTheSlowSecond(result: RunResult): void {
  const { summary, warmup } = result;
  assert.ok(warmup, 'a warm-up block');
  assert.equal(warmup.requests.sent, RATE, 'the warm-up holds the requests due in the first second');
  assert.equal(summary.requests.sent, RATE, 'the summary holds the requests due in the second second');
  assert.equal(warmup.requests.completed + summary.requests.completed, 2 * RATE);
  assert.equal(warmup.statusCodes[SLOW_STATUS], SLOW_COUNT, 'the warm-up holds every slow answer');
  assert.deepEqual(summary.statusCodes, { '200': RATE }, 'the summary holds none');
  assert.ok(warmup.latencyMs.corrected.max >= SLOW_MS, `warm-up max ${warmup.latencyMs.corrected.max} ms holds the slow answers`);
  assert.ok(summary.latencyMs.corrected.max < SLOW_MS, `summary max ${summary.latencyMs.corrected.max} ms leaves them out`);
  assert.equal(decodeHistogram(result.histograms.warmup!.corrected).totalCount, warmup.requests.completed);
  assert.equal(decodeHistogram(result.histograms.corrected).totalCount, summary.requests.completed);
  assert.deepEqual(
    result.thresholds?.map((threshold) => threshold.passed),
    [true],
    'thresholds judge the summary only',
  );
  assert.equal(result.series[0]?.warmup, true);
  assert.ok(
    result.series.slice(1).every((second) => second.warmup === undefined),
    'only the first second is marked',
  );
}

describe('warm-up', () => {
  let target: Awaited<ReturnType<typeof startSlowStartTarget>>;
  before(async () => {
    target = await startSlowStartTarget();
  });
  after(() => target.close());

  test('a 1 s warm-up against a target slow only in its first second: the summary leaves those requests out, the warm-up block holds them', async () => {
    target.reset();
    const result = await run(planOf(target.url));
    assertWarmupHeldTheSlowSecond(result);
    // Over the run's time after the warm-up, drain included (a busy machine, and the slow answers, may
    // stretch the run past its 2 s); over the whole run instead it would be lower by the warm-up's 1 s share.
    const summarySeconds = (result.durationMs - 1000) / 1000;
    const expectedPerSec = result.summary.requests.sent / summarySeconds;
    assert.ok(
      Math.abs(result.summary.rate.sent - expectedPerSec) / expectedPerSec < 0.01,
      `the summary's rates are over its own part of the run: sent ${result.summary.rate.sent}/s over ${summarySeconds} s`,
    );
    assert.match(renderSummary(result).join('\n'), /warm-up {5}first 1s left out of every number here: 50 sent/);
  });

  test('worker threads and merged shards keep the warm-up apart the same way', async () => {
    target.reset();
    assertWarmupHeldTheSlowSecond(await runWorkers(planOf(target.url), { workers: 2 }));
    target.reset();
    const shards = await Promise.all([1, 2].map((index) => run(planOf(target.url, { shard: { index, count: 2 }, thresholds: [] }))));
    const merged = mergeResults(shards, ['shard 1', 'shard 2']);
    assertWarmupHeldTheSlowSecond({ ...merged, thresholds: [{ expression: 'p99', passed: true, actual: 0, unit: 'ms' }] });
  });
});
