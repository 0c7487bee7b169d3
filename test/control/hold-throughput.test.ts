import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { startHoldThroughput, type HoldThroughputHandle, type HoldThroughputResult } from '../../src/control/index.js';
import { FakeClock, type Clock } from '../../src/time/index.js';

/** Moves the fake clock 1 ms at a time, letting promises settle between steps, until the hold is over. */
async function runToEnd(clock: FakeClock, handle: HoldThroughputHandle, limitMs: number, atMs?: (tMs: number) => void): Promise<HoldThroughputResult> {
  let done: HoldThroughputResult | undefined;
  void handle.result.then((result) => (done = result));
  for (let tMs = 0; tMs < limitMs && done === undefined; tMs++) {
    atMs?.(tMs);
    clock.advance(1000);
    await turn();
  }
  assert.ok(done, 'the hold ended');
  return done;
}

/** Work that takes `latencyMs()` on the fake clock, any number at once. */
const sleeper = (clock: FakeClock, latencyMs: () => number) => () => new Promise<void>((resolve) => clock.setTimer(resolve, latencyMs()));

describe('holdThroughput', () => {
  test('keeps as many calls in flight as the setpoint needs: 400/s of 10 ms work is 4 at once', async () => {
    const clock = new FakeClock();
    const handle = startHoldThroughput(
      sleeper(clock, () => 10),
      { setpointPerSec: 400, durationMs: 6000, clock },
    );
    const result = await runToEnd(clock, handle, 10_000);
    assert.equal(result.control.controller, 'pid');
    assert.ok(Math.abs(result.control.trace.at(-1)!.concurrency - 4) < 0.1);
    const late = result.control.trace.filter((entry) => entry.tMs > 3000);
    const meanPerSec = late.reduce((sum, entry) => sum + entry.measuredPerSec, 0) / late.length;
    assert.ok(Math.abs(meanPerSec - 400) <= 20, `held ${meanPerSec}/s`);
    assert.ok(result.control.settledAtMs !== null);
    assert.equal(result.failed, 0);
    assert.ok(Math.abs(result.completed - 400 * 6) < 400, `completed ${result.completed}`);
  });

  test('timers that fire late do not push the ticks back: whole ticks to the end, none a sliver', async () => {
    const clock = new FakeClock();
    // The hold's own timers fire 12 ms after their time, as on a busy event loop.
    const late: Clock = {
      nowUs: () => clock.nowUs(),
      epochMsAt: (us) => clock.epochMsAt(us),
      setTimer: (callback, delayMs) => clock.setTimer(callback, delayMs + 12),
      setImmediate: (callback) => clock.setImmediate(callback),
    };
    const handle = startHoldThroughput(
      sleeper(clock, () => 10),
      { setpointPerSec: 200, durationMs: 4000, clock: late },
    );
    const result = await runToEnd(clock, handle, 10_000);
    const ends = result.control.trace.map((entry) => entry.tMs);
    assert.equal(ends.length, 16, `ticks ending at ${ends}`);
    const lengths = ends.map((tMs, index) => tMs - (ends[index - 1] ?? 0));
    assert.ok(Math.min(...lengths) >= 125 && Math.max(...lengths) <= 375, `tick lengths ${lengths}`);
    assert.ok(ends.at(-1)! >= 4000, `the last tick ends at ${ends.at(-1)}`);
  });

  test('follows the work when it slows down, and a setpoint changed by hand', async () => {
    const clock = new FakeClock();
    let latencyMs = 10;
    const handle = startHoldThroughput(
      sleeper(clock, () => latencyMs),
      { setpointPerSec: 500, durationMs: 12_000, clock },
    );
    const result = await runToEnd(clock, handle, 20_000, (tMs) => {
      if (tMs === 4000) latencyMs = 30;
      if (tMs === 8000) handle.setSetpoint(200);
    });
    const at = (tMs: number) => result.control.trace.find((entry) => entry.tMs >= tMs)!;
    const near = (value: number, expected: number) => assert.ok(Math.abs(value - expected) < 0.05 * expected, `${value} is not near ${expected}`);
    near(at(3900).concurrency, 5);
    near(at(7900).concurrency, 15);
    near(at(11_900).concurrency, 6);
    assert.equal(result.control.trace.at(-1)!.setpointPerSec, 200);
  });

  test('counts rejected and throwing work as failed, and stop() ends it early', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const work = () => {
      calls++;
      if (calls % 3 === 0) throw new Error('thrown');
      return new Promise<void>((resolve, reject) => clock.setTimer(() => (calls % 3 === 1 ? resolve() : reject(new Error('rejected'))), 5));
    };
    const handle = startHoldThroughput(work, { setpointPerSec: 100, durationMs: 60_000, clock });
    const result = await runToEnd(clock, handle, 10_000, (tMs) => tMs === 2000 && handle.stop());
    assert.equal(result.stopped, true);
    assert.ok(result.durationMs < 3000);
    assert.ok(result.failed > 0 && result.completed > 0);
    assert.equal(result.control.trace.reduce((sum, entry) => sum + entry.errors, 0) <= result.failed, true);
  });

  test('bad options: one clear error naming the field', () => {
    const work = () => Promise.resolve();
    assert.throws(() => startHoldThroughput(work, { setpointPerSec: 0, durationMs: 1000 }), /holdThroughput: setpointPerSec: must be greater than 0/);
    assert.throws(() => startHoldThroughput(work, { setpointPerSec: 10, durationMs: 1000, controller: 'bang' as never }), /controller/);
    assert.throws(
      () => startHoldThroughput(work, { setpointPerSec: 10, durationMs: 1000, minConcurrency: 9, maxConcurrency: 3 }),
      /minConcurrency: must not exceed maxConcurrency \(3\)/,
    );
    assert.throws(() => startHoldThroughput(work, { setpointPerSec: 10, durationMs: 1000, tickMs: 1 }), /tickMs: must be at least 10 ms/);
  });
});
