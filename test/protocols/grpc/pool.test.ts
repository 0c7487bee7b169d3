import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { validatePlan } from '../../../src/plan/index.js';
import { createTransport } from '../../../src/protocols/create-transport.js';
import type { ExchangeListener, Transport } from '../../../src/protocols/transport.js';
import { resolveTarget } from '../../../src/runner/index.js';
import { startGrpcWorker, WORKER_CALL, WORKER_PROTO } from '../../../src/targets/grpc-worker.js';
import type { RunningTarget } from '../../../src/targets/http-server.js';
import { systemClock } from '../../../src/time/clock.js';

describe('gRPC on the HTTP/2 pool', () => {
  let worker: RunningTarget;
  before(async () => (worker = await startGrpcWorker({ port: 0 })));
  after(() => worker.close());

  test('a connection opens at most half its streams in one turn, and the rest in the next', async () => {
    const plan = validatePlan({
      target: { url: worker.url, proto: WORKER_PROTO, call: WORKER_CALL, data: '{"ms": 0}', streams: 100 },
      executor: { type: 'max-throughput', durationMs: 1000 },
      connections: 1,
    });
    let answered = 0;
    let slotsFreed = 0;
    const listener: ExchangeListener = {
      onSent: () => {},
      onResponse: () => answered++,
      onFailure: () => assert.fail('a call failed'),
      onSlotFree: () => slotsFreed++,
    };
    const transport: Transport = createTransport(plan, await resolveTarget(plan.target), { clock: systemClock, listener });
    try {
      // One call first, so the server's SETTINGS (100 streams) have arrived.
      assert.equal(transport.trySend(0), true);
      while (answered === 0) await nextTurn();
      await nextTurn();
      let sent = 0;
      while (transport.trySend(0)) sent++;
      // All in one turn would leave in one write, answered in one write: client and server taking turns idling.
      assert.equal(sent, 50);
      const freedBefore = slotsFreed;
      await nextTurn();
      assert.ok(slotsFreed > freedBefore, 'the next turn tells the executor there is room');
      sent = 0;
      while (transport.trySend(0)) sent++;
      assert.ok(sent >= 1 && sent <= 50, `sent ${sent} in the next turn`);
      while (answered < 1 + 50 + sent) await nextTurn();
    } finally {
      transport.close();
    }
  });
});
