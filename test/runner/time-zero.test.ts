import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { run } from '../../src/runner/index.js';

/**
 * How long the target takes to answer the probe: far above what a busy machine adds to a send on
 * its own, so that requests due during the set-up would show as a lag of this order.
 */
const PROBE_ANSWER_MS = 1200;

/** A target that answers its first request (the probe) PROBE_ANSWER_MS late, every other at once. */
async function startSlowProbeTarget(): Promise<{ url: string; close(): Promise<void> }> {
  let served = 0;
  const server: Server = createServer((_request, response) => {
    if (served++ > 0) return void response.end('ok');
    setTimeout(() => response.end('ok'), PROBE_ANSWER_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('time zero comes once the load is ready', () => {
  let target: Awaited<ReturnType<typeof startSlowProbeTarget>>;
  before(async () => {
    target = await startSlowProbeTarget();
  });
  after(() => target.close());

  test('no request falls due while the target is probed: none is sent a probe late', async () => {
    const plan = validatePlan({
      target: { url: target.url },
      executor: { type: 'constant-arrival-rate', ratePerSec: 200, durationMs: 1000 },
      connections: 4,
    });
    const setUpFromMs = Date.now();
    const result = await run(plan, { probe: true });
    assert.ok(Date.parse(result.startedAt) - setUpFromMs >= PROBE_ANSWER_MS - 50, 'time zero after the probe was answered');
    assert.equal(result.summary.requests.sent, 200);
    assert.ok(result.summary.scheduleLagMs.max < PROBE_ANSWER_MS / 2, `max schedule lag ${result.summary.scheduleLagMs.max} ms`);
  });

  test('a start instant is kept however long the set-up before it takes', async () => {
    const plan = validatePlan({
      target: { url: target.url },
      executor: { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: 500 },
      connections: 2,
    });
    const startAtEpochMs = Date.now() + PROBE_ANSWER_MS + 800;
    const result = await run(plan, { probe: true, startAtEpochMs });
    const skewMs = Date.parse(result.startedAt) - startAtEpochMs;
    assert.ok(skewMs >= 0 && skewMs < PROBE_ANSWER_MS / 2, `time zero ${skewMs} ms after the instant`);
  });

  test("the load's connections are open by time zero, not opened by its first requests", async () => {
    const acceptedAtMs: number[] = [];
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => {
      acceptedAtMs.push(Date.now());
      sockets.push(socket);
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const plan = validatePlan({
        target: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` },
        executor: { type: 'constant-arrival-rate', ratePerSec: 20, durationMs: 500 },
        connections: 6,
      });
      const result = await run(plan, { probe: false });
      assert.equal(result.summary.requests.completed, 10);
      // At 20 req/s one connection carries every request, so a connection opened per need is opened once:
      // all six are open because the load may use them. (When this process's server took each one is no
      // measure of time zero: the connects end in the kernel, its accepts wait for this event loop.)
      assert.equal(acceptedAtMs.length, 6);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
