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

const SLOW_MS = 300;
/**
 * Half the warm-up, so that no request due after it reaches the target while it is still slow, even
 * when the run's first request arrives late (a busy machine starts the schedule late).
 */
const SLOW_FOR_MS = 500;
const RATE = 50;

/** A target that answers SLOW_MS late for SLOW_FOR_MS after the first request of each run it serves (`reset`), then at once. */
async function startSlowStartTarget(): Promise<{ url: string; reset(): void; close(): Promise<void> }> {
  let firstMs: number | undefined;
  const server: Server = createServer((_request, response) => {
    const nowMs = performance.now();
    firstMs ??= nowMs;
    const answer = (): void => void response.end('ok');
    if (nowMs - firstMs < SLOW_FOR_MS) setTimeout(answer, SLOW_MS);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    reset: () => (firstMs = undefined),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const planOf = (url: string, extra: Partial<PlanInput> = {}) =>
  validatePlan({
    target: { url },
    executor: { type: 'constant-arrival-rate', ratePerSec: RATE, durationMs: 2000 },
    warmupMs: 1000,
    thresholds: [{ expression: `p99<${SLOW_MS - 50}ms` }],
    ...extra,
  });

/** The requests of the 1 s warm-up are the slow ones, and only they: the summary holds the other second. */
function assertWarmupHeldTheSlowSecond(result: RunResult): void {
  const { summary, warmup } = result;
  assert.ok(warmup, 'a warm-up block');
  assert.equal(warmup.requests.sent, RATE, 'the warm-up holds the requests due in the first second');
  assert.equal(summary.requests.sent, RATE, 'the summary holds the requests due in the second second');
  assert.equal(warmup.requests.completed + summary.requests.completed, 2 * RATE);
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
    assert.ok(Math.abs(result.summary.rate.sent - RATE) / RATE < 0.05, `the summary's rates are over its own second: sent ${result.summary.rate.sent}/s`);
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
