import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { validatePlan, type PlanInput } from '../../../src/plan/index.js';
import type { RunResult } from '../../../src/result/types.js';
import { run } from '../../../src/runner/index.js';
import type { ProtocolFixture } from './fixtures.js';
import type { Behaviour, BehaviourServer } from './servers.js';

/** Runs `body` with a target that lives only for its duration. */
async function withTarget<T>(fixture: ProtocolFixture, behaviour: Behaviour, body: (server: BehaviourServer) => Promise<T>, delayMs = 0): Promise<T> {
  const server = await fixture.startTarget(behaviour, delayMs);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

const atRate = (ratePerSec: number, durationMs: number, extra: Partial<Omit<PlanInput, 'target'>> = {}): Omit<PlanInput, 'target'> => ({
  executor: { type: 'constant-arrival-rate', ratePerSec, durationMs },
  ...extra,
});

function assertAccounted(result: RunResult): void {
  const { sent, completed, failed, interrupted } = result.summary.requests;
  assert.equal(sent, completed + failed + interrupted, 'sent = completed + failed + interrupted');
}

/**
 * The behaviours every transport must share, written once and run against each protocol (as hono
 * runs one router suite against every router): counts, timeouts, error causes, connection limits,
 * pipelining. Each protocol brings only a fixture: how its target frames requests and replies.
 */
export function conformanceSuite(fixture: ProtocolFixture): void {
  const runOn = (url: string, rest: Omit<PlanInput, 'target'>): Promise<RunResult> => run(validatePlan(fixture.planFor(url, rest)));

  describe(`transport conformance: ${fixture.name}`, () => {
    test('a fixed rate sends exactly rate × duration, and every one completes and is in the histograms', async () => {
      const { result, requests } = await withTarget(fixture, 'answer', async (server) => ({
        result: await runOn(server.url, atRate(200, 500)),
        requests: server.requests,
      }));
      const { summary } = result;
      assert.equal(summary.requests.sent, 100);
      assert.equal(summary.requests.completed, 100);
      assert.equal(summary.requests.failed, 0);
      assert.deepEqual(summary.errors, {});
      assert.deepEqual(summary.statusCodes, fixture.statusCodes(100));
      assert.equal(requests, 100, 'the target saw each request once');
      assert.equal(summary.latencyMs.corrected.count, 100);
      assert.equal(summary.latencyMs.uncorrected.count, 100);
      for (const name of ['corrected', 'uncorrected', 'scheduleLag'] as const) {
        assert.equal(decodeHistogram(result.histograms[name]).totalCount, 100, `the stored ${name} histogram`);
      }
      assert.equal(
        result.series.reduce((sum, second) => sum + decodeHistogram(second.histogram).totalCount, 0),
        100,
        'the per-second histograms add up to the whole',
      );
      assert.equal(
        result.series.reduce((sum, second) => sum + second.completed, 0),
        100,
        'the per-second series counts every reply',
      );
    });

    test('a reply slower than the timeout counts as timeout', async () => {
      const result = await withTarget(fixture, 'hang', (server) => runOn(server.url, atRate(20, 500, { timeoutMs: 200, gracefulStopMs: 2000 })));
      assert.deepEqual(result.summary.errors, { timeout: 10 });
      assert.equal(result.summary.requests.completed, 0);
      assertAccounted(result);
    });

    const faults: [string, Behaviour, string][] = [
      ['a closed port counts as refused', 'closed-port', 'refused'],
      ['a reset connection counts as reset', 'reset', 'reset'],
      ['a target closing mid-reply counts as closed', 'close-mid-reply', 'closed'],
    ];
    for (const [name, behaviour, cause] of faults) {
      test(name, async () => {
        const result = await withTarget(fixture, behaviour, (server) => runOn(server.url, atRate(40, 500)));
        assert.deepEqual(result.summary.errors, { [cause]: 20 });
        assert.equal(result.summary.requests.sent, 20);
        assert.deepEqual(result.summary.statusCodes, {});
        assertAccounted(result);
      });
    }

    test('--connections bounds the connections the target sees', async () => {
      const { result, maxOpen } = await withTarget(
        fixture,
        'answer',
        async (server) => ({ result: await runOn(server.url, atRate(300, 500, { connections: 3 })), maxOpen: server.maxOpen }),
        5,
      );
      assert.ok(maxOpen <= 3 && maxOpen >= 2, `the target saw ${maxOpen} connections open at once`);
      assert.equal(result.summary.requests.completed, 150);
      assert.deepEqual(result.summary.errors, {});
    });

    test('max throughput with pipelining completes, within the connection limit', async () => {
      const { result, maxOpen, requests } = await withTarget(fixture, 'answer', async (server) => ({
        result: await runOn(server.url, { executor: { type: 'max-throughput', durationMs: 300, pipelining: 4 }, connections: 2 }),
        maxOpen: server.maxOpen,
        requests: server.requests,
      }));
      const { summary } = result;
      assert.ok(summary.requests.completed > 20, `completed ${summary.requests.completed}`);
      assert.equal(summary.requests.failed, 0);
      assert.equal(summary.requests.interrupted, 0);
      assert.equal(requests, summary.requests.sent);
      assert.equal(summary.latencyMs.corrected.count, summary.requests.completed);
      assert.ok(maxOpen <= 2, `the target saw ${maxOpen} connections open at once`);
      assertAccounted(result);
    });
  });
}
