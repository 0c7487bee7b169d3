import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { run, startRun } from '../../src/runner/index.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { closedPort, withRawServer } from '../support/servers.js';

const plan = (input: PlanInput) => validatePlan(input);
const rate = (url: string, ratePerSec: number, durationMs: number, extra: Partial<PlanInput> = {}) =>
  plan({ target: { url }, executor: { type: 'constant-arrival-rate', ratePerSec, durationMs }, ...extra });

describe('against the built-in target over loopback', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess();
  });
  after(async () => {
    await target.stop();
  });

  test('500 req/s for 2 s reaches the rate within 2% with no errors', async () => {
    const result = await run(rate(target.url, 500, 2000));
    const { requests, rate: achieved } = result.summary;
    assert.equal(requests.sent, 1000);
    assert.equal(requests.completed, 1000);
    assert.equal(requests.failed, 0);
    assert.equal(requests.dropped, 0);
    assert.deepEqual(result.summary.errors, {});
    // A machine too busy to give the generator or the target the CPU they need may miss the rate; the run must then say which.
    const named = result.summary.bottleneck !== undefined;
    assert.ok(Math.abs(achieved.achieved - 500) / 500 < 0.02 || named, `achieved ${achieved.achieved}, limit ${JSON.stringify(result.summary.bottleneck)}`);
    assert.equal(achieved.target, 500);
  });

  test('/delay/50 gives p50 ≥ 50 ms, corrected and uncorrected', async () => {
    const result = await run(rate(`${target.url}/delay/50`, 40, 1000));
    assert.equal(result.summary.requests.completed, 40);
    assert.ok(result.summary.latencyMs.corrected.p50 >= 50, `corrected p50 ${result.summary.latencyMs.corrected.p50}`);
    assert.ok(result.summary.latencyMs.uncorrected.p50 >= 50, `uncorrected p50 ${result.summary.latencyMs.uncorrected.p50}`);
  });

  test('a stalled target shows in the corrected p99 while the uncorrected p99 stays low', async () => {
    const handle = await startRun(rate(target.url, 200, 2000, { connections: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 800));
    target.child.kill('SIGSTOP'); // the target stops answering, as a long GC pause would
    await new Promise((resolve) => setTimeout(resolve, 400));
    target.child.kill('SIGCONT');
    const result = await handle.result;
    const { corrected, uncorrected } = result.summary.latencyMs;
    assert.equal(result.summary.requests.completed, 400);
    assert.ok(corrected.p99 >= 250, `corrected p99 ${corrected.p99} should show the 400 ms stall`);
    assert.ok(uncorrected.p99 < 100, `uncorrected p99 ${uncorrected.p99} should hide it (one slow request in 400)`);
    assert.ok(uncorrected.max >= 300, `uncorrected max ${uncorrected.max}: the one request in flight did wait`);
    assert.ok(result.summary.scheduleLagMs.max >= 300, `schedule lag max ${result.summary.scheduleLagMs.max}`);
  });

  test('4xx and 5xx answers are counted by class', async () => {
    const [serverErrors, clientErrors] = await Promise.all([run(rate(`${target.url}/status/500`, 50, 400)), run(rate(`${target.url}/status/404`, 50, 400))]);
    assert.deepEqual(serverErrors.summary.errors, { http5xx: 20 });
    assert.deepEqual(serverErrors.summary.statusCodes, { '500': 20 });
    assert.equal(serverErrors.summary.requests.failed, 20);
    assert.equal(serverErrors.summary.latencyMs.corrected.count, 20, 'error answers still have a latency');
    assert.deepEqual(clientErrors.summary.errors, { http4xx: 20 });
  });

  test('a request slower than --timeout counts as timeout', async () => {
    const result = await run(rate(`${target.url}/delay/3000`, 20, 500, { timeoutMs: 200, gracefulStopMs: 2000 }));
    assert.deepEqual(result.summary.errors, { timeout: 10 });
    assert.equal(result.summary.requests.completed, 0);
  });

  test('max throughput keeps every connection busy, with pipelining too', async () => {
    const plain = await run(plan({ target: { url: target.url }, executor: { type: 'max-throughput', durationMs: 500 }, connections: 4 }));
    const pipelined = await run(plan({ target: { url: target.url }, executor: { type: 'max-throughput', durationMs: 500, pipelining: 4 }, connections: 2 }));
    for (const result of [plain, pipelined]) {
      assert.ok(result.summary.requests.completed > 100, `completed ${result.summary.requests.completed}`);
      assert.equal(result.summary.requests.failed, 0);
      assert.equal(result.summary.rate.target, null);
    }
  });

  test('setRate changes the rate of a running load', async () => {
    const handle = await startRun(rate(target.url, 100, 1000));
    setTimeout(() => handle.setRate(400), 500);
    const result = await handle.result;
    const sent = result.summary.requests.sent;
    assert.ok(sent >= 225 && sent <= 275, `sent ${sent}, expected about 50 + 200`);
  });

  test("the handle tells the rate asked for now: a ramp's rate at that instant, then the rate set on it", async () => {
    const ramp = plan({
      target: { url: target.url },
      executor: { type: 'ramping-arrival-rate', startRatePerSec: 20, stages: [{ targetRatePerSec: 220, durationMs: 2000 }] },
    });
    const rampAtMs = (ms: number): number => 20 + (200 * Math.min(2000, Math.max(0, ms))) / 2000;
    const calledMs = performance.now();
    const handle = await startRun(ramp);
    // Time zero lies between the call and its answer, so the ramp's rate now lies between its rates at those two distances.
    const startedMs = performance.now();
    for (const waitMs of [300, 600]) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      const lowMs = performance.now() - startedMs;
      const rate = handle.targetRatePerSec()!;
      const highMs = performance.now() - calledMs;
      assert.ok(rate >= rampAtMs(lowMs) && rate <= rampAtMs(highMs), `${rate} req/s between ${rampAtMs(lowMs)} and ${rampAtMs(highMs)}`);
    }
    handle.setRate(50);
    assert.equal(handle.targetRatePerSec(), 50, 'a rate set replaces the ramp');
    handle.stop();
    await handle.result;
  });
});

describe('real faults, each counted under its own cause', () => {
  test('a closed port: refused', async () => {
    const port = await closedPort();
    const result = await run(rate(`http://127.0.0.1:${port}/`, 40, 500));
    assert.deepEqual(result.summary.errors, { refused: 20 });
    assert.equal(result.summary.requests.sent, 20);
  });

  const faults: [string, (socket: Socket) => void, Record<string, number>][] = [
    ['a server that resets connections: reset', (socket) => socket.once('data', () => socket.resetAndDestroy()), { reset: 20 }],
    [
      'a server that closes mid-response: closed',
      (socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it')),
      { closed: 20 },
    ],
    ['a server that answers garbage: protocol', (socket) => socket.once('data', () => socket.write('SSH-2.0-OpenSSH\r\n\r\n')), { protocol: 20 }],
  ];
  for (const [name, onConnection, errors] of faults) {
    test(name, async () => {
      const result = await withRawServer(onConnection, (url) => run(rate(url, 40, 500)));
      assert.deepEqual(result.summary.errors, errors);
      assert.equal(result.summary.requests.sent, 20);
    });
  }

  test('a target that hangs is ended by the watchdog at duration + grace', async () => {
    const started = Date.now();
    const result = await withRawServer(
      () => {}, // accepts, never answers
      (url) => run(rate(url, 20, 500, { timeoutMs: 60_000, gracefulStopMs: 300 })),
    );
    const tookMs = Date.now() - started;
    assert.ok(tookMs < 2000, `took ${tookMs} ms`);
    assert.deepEqual(result.summary.errors, { timeout: 10 });
    assert.equal(result.interrupted, false);
  });

  test('more due requests than connections and queue: dropped, with a warning, and a target that holds every request is named', async () => {
    const result = await withRawServer(
      () => {},
      (url) => run(rate(url, 200, 500, { connections: 2, maxQueue: 10, timeoutMs: 60_000, gracefulStopMs: 100 })),
    );
    const { requests, warnings } = result.summary;
    assert.equal(requests.sent, 2);
    assert.equal(requests.droppedBy.queueFull, 100 - 2 - 10);
    assert.equal(requests.droppedBy.unsentAtEnd, 10);
    assert.equal(result.summary.errors.dropped, 98);
    assert.ok(
      warnings.some((warning) => warning.includes('88 requests dropped because more than --max-queue were waiting for a free connection')),
      warnings.join('\n'),
    );
    assert.equal(result.summary.bottleneck?.limit, 'target', JSON.stringify(result.summary.bottleneck));
  });
});

describe('steering a run from its own onSecond listener', () => {
  test('setRate and stop from onSecond keep every request accounted for', async () => {
    const target = await startTargetProcess();
    try {
      let seconds = 0;
      let handle: Awaited<ReturnType<typeof startRun>> | undefined;
      handle = await startRun(rate(target.url, 300, 10_000), {
        onSecond: () => {
          seconds++;
          if (seconds === 1) handle!.setRate(600);
          if (seconds === 2) handle!.stop('stopped');
        },
      });
      const started = Date.now();
      const result = await handle.result;
      assert.ok(Date.now() - started < 4000, 'the run ends at the stop, not at its duration');
      const { sent, completed, failed, interrupted } = result.summary.requests;
      assert.equal(sent, completed + failed + interrupted);
      assert.equal(result.interruptReason, 'stopped');
      assert.ok(sent >= 800 && sent <= 1000, `sent ${sent}: about 300 in the first second and 600 in the second`);
    } finally {
      await target.stop();
    }
  });
});
