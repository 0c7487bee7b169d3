import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { run } from '../../src/runner/index.js';
import { startGrpcWorker, WORKER_CALL, WORKER_PROTO } from '../../src/targets/grpc-worker.js';
import { SpinPool } from '../../src/targets/spin-pool.js';
import { assertUsageError } from '../support/cli.js';

describe('salvo serve grpc-worker --replicas', () => {
  test('replicas spin at the same time, one call each; a third call waits for a free one', async () => {
    const pool = await SpinPool.start(2);
    try {
      const SPIN_MS = 400;
      const [first, second, third] = await Promise.all([pool.spin(SPIN_MS), pool.spin(SPIN_MS), pool.spin(SPIN_MS)]);
      // A spin ends at its own start + SPIN_MS by the wall clock, however busy the machine: two that overlap ran on two threads.
      assert.ok(Math.abs(first!.startEpochMs - second!.startEpochMs) < SPIN_MS, `starts ${first!.startEpochMs} and ${second!.startEpochMs}`);
      assert.ok(third!.startEpochMs >= Math.min(first!.startEpochMs, second!.startEpochMs) + SPIN_MS, 'the third waited for a replica to come free');
      for (const done of [first, second, third]) assert.ok(done!.serviceMs >= SPIN_MS, `service time ${done!.serviceMs} ms`);
    } finally {
      await pool.close();
    }
  });

  test('a load against the replicated worker: every call answered, with its service time', async () => {
    const worker = await startGrpcWorker({ replicas: 2 });
    try {
      const result = await run(
        validatePlan({
          target: { url: worker.url, proto: WORKER_PROTO, call: WORKER_CALL, data: '{"ms": 5}' },
          executor: { type: 'constant-arrival-rate', ratePerSec: 40, durationMs: 500 },
        }),
      );
      assert.equal(result.summary.requests.completed, 20);
      assert.equal(result.summary.slowdown?.count, 20);
      assert.ok(result.summary.serviceTimeMs!.p50 >= 5, `service time p50 ${result.summary.serviceTimeMs?.p50}`);
    } finally {
      await worker.close();
    }
  });

  test('bad --replicas: one line, exit 2', () => {
    assertUsageError(['serve', 'grpc-worker', '--replicas', '0'], /--replicas.*"0" must be at least 1/);
    assertUsageError(['serve', 'grpc-worker', '--replicas', 'many'], /--replicas.*"many" is not a whole number/);
    assertUsageError(['serve', 'grpc-worker', '--replicas', '1000'], /--replicas.*"1000" is more than 256/);
  });
});
