import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { composeShares } from '../../src/plan/shard.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { runtimeOf } from '../../src/runner/runtimes.js';
import { FakeClock } from '../../src/time/fake-clock.js';
import { FakeTransport } from '../executors/fake-transport.js';

/** Runs one share of `input` on a fake clock; returns the intended send times (µs from zero) and the connections it set. */
async function runShare(input: PlanInput, shard?: { index: number; count: number }) {
  const plan = validatePlan({ ...input, ...(shard ? { shard } : {}) });
  const clock = new FakeClock(0);
  const recorder = new Recorder(0, 0);
  // A closed loop sends while slots are free, so max throughput gets a few; arrivals get as many as they ask.
  const transport = new FakeTransport(clock, plan.executor.type === 'max-throughput' ? 2 : Infinity, recorder);
  const durationUs = plan.executor.durationMs * 1000;
  const runtime = runtimeOf(plan.executor);
  const executor = runtime.create(plan, await runtime.prepare(plan), { clock, transport, recorder, startUs: 0, durationUs });
  executor.start(() => {});
  for (let atUs = 0; atUs <= durationUs; atUs += 250) clock.advance(250);
  executor.stop();
  return { intended: transport.sends.map((send) => send.intendedUs), connections: transport.maxConnectionsCalls };
}

const plan = (executor: PlanInput['executor']): PlanInput => ({ target: { url: 'http://127.0.0.1:1/' }, executor, connections: 10 });

describe('executors run their shard', () => {
  for (const executor of [
    { type: 'constant-arrival-rate', ratePerSec: 700, durationMs: 500 },
    { type: 'poisson-arrival-rate', ratePerSec: 700, durationMs: 500, seed: 3 },
    { type: 'bucket-rate', ratePerSec: 700, durationMs: 500, bucketMs: 50 },
  ] as const) {
    test(`3 shares of ${executor.type} send, together, what the whole plan sends`, async () => {
      const whole = (await runShare(plan(executor))).intended;
      const shares = await Promise.all([1, 2, 3].map((index) => runShare(plan(executor), { index, count: 3 })));
      assert.deepEqual(
        shares.flatMap((share) => share.intended).sort((a, b) => a - b),
        whole,
      );
      assert.deepEqual(
        shares.map((share) => share.connections),
        [[4], [3], [3]],
      );
    });
  }

  test('the 2 workers of shard 2/4 send, together, what shard 2/4 sends, over its connections', async () => {
    const executor = { type: 'poisson-arrival-rate', ratePerSec: 900, durationMs: 500, seed: 11 } as const;
    const shard = { index: 2, count: 4 };
    const ofShard = await runShare(plan(executor), shard);
    const workers = await Promise.all([1, 2].map((index) => runShare(plan(executor), composeShares(shard, { index, count: 2 }))));
    assert.deepEqual(
      workers.flatMap((worker) => worker.intended).sort((a, b) => a - b),
      ofShard.intended,
    );
    assert.ok(ofShard.intended.length > 80);
    assert.equal(
      workers.reduce((sum, worker) => sum + worker.connections[0]!, 0),
      ofShard.connections[0],
    );
  });

  test('a max-throughput share opens its share of the connections, a whole run does not touch them', async () => {
    const executor = { type: 'max-throughput', durationMs: 10 } as const;
    assert.deepEqual((await runShare(plan(executor), { index: 2, count: 4 })).connections, [3]);
    assert.deepEqual((await runShare(plan(executor))).connections, []);
  });
});
