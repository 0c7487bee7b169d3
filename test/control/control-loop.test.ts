import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlLoop, createController, SetpointSchedule, settledAtMs, UNREACHABLE_AFTER_MS } from '../../src/control/index.js';

const TICK_MS = 250;

/** Feeds a loop ticks of a target of `slots(t)` slots of 10 ms: queueing past them, by Little's law. */
function drive(loop: ControlLoop, untilMs: number, slots: (tMs: number) => number): void {
  let concurrency = loop.concurrency;
  for (let tMs = TICK_MS; tMs <= untilMs; tMs += TICK_MS) {
    const capacityPerSec = slots(tMs) * 100;
    const latencyMs = Math.max(10, (concurrency / capacityPerSec) * 1000);
    const completed = Math.round((concurrency / latencyMs) * TICK_MS);
    for (let i = 0; i < completed; i++) loop.window.recordCompleted(latencyMs * 1000);
    concurrency = loop.tick(tMs);
  }
}

describe('ControlLoop', () => {
  test('traces every tick and reports when the throughput settled', () => {
    const loop = new ControlLoop(createController({ controller: 'pid', tickMs: TICK_MS, minConcurrency: 1, maxConcurrency: 100 }), { setpointPerSec: 400 });
    drive(loop, 10_000, () => 100);
    const result = loop.result();
    assert.equal(result.controller, 'pid');
    assert.equal(result.trace.length, 40);
    assert.ok(Math.abs(result.trace.at(-1)!.concurrency - 4) < 0.1, `dial ${result.trace.at(-1)!.concurrency}`);
    assert.ok(Math.abs(result.trace.at(-1)!.p50Ms - 10) < 0.1);
    assert.ok(result.settledAtMs !== null && result.settledAtMs <= 3000, `settled at ${result.settledAtMs}`);
    assert.equal(result.unreachable, false);
  });

  test(`calls a setpoint unreachable after ${UNREACHABLE_AFTER_MS} ms at the ceiling, and reachable again when it is`, () => {
    const loop = new ControlLoop(createController({ controller: 'pid', tickMs: TICK_MS, minConcurrency: 1, maxConcurrency: 16 }), { setpointPerSec: 1000 });
    // 800 req/s at most until 6 s, then 10,000.
    drive(loop, 12_000, (t) => (t <= 6000 ? 8 : 100));
    const { trace, unreachable } = loop.result();
    assert.equal(unreachable, true);
    const first = trace.find((entry) => entry.unreachable)!;
    assert.ok(first.tMs <= 5000, `unreachable from ${first.tMs}`);
    assert.equal(trace.at(-1)!.unreachable, false);
    assert.ok(Math.abs(trace.at(-1)!.concurrency - 10) < 0.2, `dial ${trace.at(-1)!.concurrency}`);
  });

  test('follows stages of setpoints, then a setpoint set by hand', () => {
    const schedule = new SetpointSchedule(100, [
      { durationMs: 1000, setpointPerSec: 200 },
      { durationMs: 1000, setpointPerSec: 300 },
    ]);
    assert.deepEqual(
      [0, 999, 1000, 1999, 5000].map((t) => schedule.at(t)),
      [200, 200, 300, 300, 300],
    );
    schedule.set(50);
    assert.equal(schedule.at(500), 50);
    assert.equal(new SetpointSchedule(100).at(10_000), 100);
  });

  test('settledAtMs judges the last setpoint only and a one-second mean, and is null when the end is off', () => {
    const trace = (values: number[], setpoints: number[]) =>
      values.map((measuredPerSec, index) => ({ tMs: (index + 1) * 250, measuredPerSec, setpointPerSec: setpoints[index]! }));
    const held = trace([0, 50, 100, 100, 60, 100, 100, 100, 100, 100, 100, 100], Array(12).fill(100));
    assert.equal(settledAtMs(held), 2250);
    assert.equal(settledAtMs(trace([100, 100, 100, 100, 100, 100, 100, 50], Array(8).fill(100))), null);
    const twoStages = trace([100, 100, 100, 100, 200, 200, 200, 200, 200], [100, 100, 100, 100, 200, 200, 200, 200, 200]);
    assert.equal(settledAtMs(twoStages), 2000);
  });
});
