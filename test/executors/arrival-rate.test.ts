import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrivalRateExecutor } from '../../src/executors/arrival-rate.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { pacerFor, type ArrivalExecutor } from '../../src/runner/runtimes.js';
import { PoissonPacer } from '../../src/schedule/poisson.js';
import { FakeClock } from '../../src/time/fake-clock.js';
import { FakeTransport } from './fake-transport.js';

/** The run's time zero on the fake clock: not 0, so an executor mixing up absolute and elapsed time shows. */
const START_US = 7_000_000;
const EPOCH_MS = 1_700_000_000_000;

function setup(options: { executor: ArrivalExecutor; slots?: number; maxQueue?: number }) {
  const clock = new FakeClock(START_US);
  const recorder = new Recorder(START_US, EPOCH_MS);
  const transport = new FakeTransport(clock, options.slots ?? Infinity, recorder);
  const executor = new ArrivalRateExecutor(
    pacerAt(options.executor),
    { clock, transport, recorder, startUs: START_US, durationUs: options.executor.durationMs * 1000 },
    options.maxQueue ?? 100_000,
  );
  /** Clock times (relative to the start) at which onIssued was called. */
  const issued: number[] = [];
  const start = () => executor.start(() => issued.push(clock.nowUs() - START_US));
  return { clock, recorder, transport, executor, issued, start };
}

const pacerAt = (executor: ArrivalExecutor) => (ratePerSec: number | undefined, stream: number) => pacerFor(executor, ratePerSec, stream);
const constant = (ratePerSec: number, durationMs: number): ArrivalExecutor => ({ type: 'constant-arrival-rate', ratePerSec, durationMs });
const bucket = (ratePerSec: number, durationMs: number, bucketMs = 100): ArrivalExecutor => ({ type: 'bucket-rate', ratePerSec, durationMs, bucketMs });
const range = (count: number, stepUs: number, fromUs = 0) => Array.from({ length: count }, (_, index) => fromUs + index * stepUs);

describe('ArrivalRateExecutor: schedule', () => {
  const cases = [
    { name: '1000 req/s for 1 s', executor: constant(1000, 1000), stepUs: 100, expect: range(1000, 1000) },
    { name: '500 req/s for 2 s (timers for the long waits)', executor: constant(500, 2000), stepUs: 100, expect: range(1000, 2000) },
    { name: '10 req/s for 1 s in 1 ms steps', executor: constant(10, 1000), stepUs: 1000, expect: range(10, 100_000) },
    { name: '2 req/s for 3 s in 10 ms steps', executor: constant(2, 3000), stepUs: 10_000, expect: range(6, 500_000) },
  ];
  for (const { name, executor, stepUs, expect } of cases) {
    test(`${name}, unlimited slots: exactly ${expect.length} requests, each sent at its intended time`, () => {
      const run = setup({ executor });
      run.start();
      run.clock.runUntil(START_US + executor.durationMs * 1000 + 10_000, stepUs);
      assert.deepEqual(run.transport.intendedSince(START_US), expect);
      assert.deepEqual(run.transport.sentSince(START_US), expect);
      assert.equal(run.recorder.measured.totals().sent, expect.length);
      assert.equal(run.recorder.measured.totals().dropped, 0);
      assert.equal(run.executor.queued(), 0);
      assert.deepEqual(run.issued, [expect.at(-1)]);
      assert.equal(run.clock.pendingTimers(), 0, 'nothing left scheduled once issuing is over');
    });
  }

  test('poisson: sends the pacer’s sequence, each within one clock step of its intended time', () => {
    const run = setup({ executor: { type: 'poisson-arrival-rate', ratePerSec: 2000, durationMs: 500, seed: 11 } });
    run.start();
    run.clock.runUntil(START_US + 600_000, 100);
    const reference = new PoissonPacer(2000, 11);
    const expected: number[] = [];
    for (let index = 0, due = reference.dueUs(0); due < 500_000; due = reference.dueUs(++index)) expected.push(due);
    assert.ok(expected.length > 900 && expected.length < 1100, `${expected.length} arrivals`);
    assert.deepEqual(
      run.transport.sends.map((send) => send.intendedUs),
      expected.map((due) => START_US + due),
    );
    for (const { intendedUs, atUs } of run.transport.sends) {
      assert.ok(atUs >= intendedUs && atUs < intendedUs + 100, `intended ${intendedUs - START_US}, sent ${atUs - START_US}`);
    }
    assert.equal(run.issued.length, 1);
  });

  test('a late clock sends every overdue request at once, keeping each one’s intended time', () => {
    const run = setup({ executor: constant(1000, 100) });
    run.start();
    run.clock.advance(10_500); // the loop was blocked: the poll runs on the next turn
    run.clock.advance(0);
    assert.deepEqual(run.transport.intendedSince(START_US), range(11, 1000));
    assert.deepEqual(run.transport.sentSince(START_US), [0, ...new Array(10).fill(10_500)]);
    assert.equal(run.recorder.measured.totals().dropped, 0, 'constant pacing never drops a late request');
  });

  test('onIssued fires once, right after the last request the schedule holds before durationUs', () => {
    const run = setup({ executor: constant(1000, 10) });
    run.start();
    run.clock.runUntil(START_US + 8_950, 50);
    assert.deepEqual(run.issued, []);
    assert.equal(run.transport.sends.length, 9);
    run.clock.runUntil(START_US + 9_000, 50);
    assert.equal(run.transport.sends.length, 10);
    assert.deepEqual(run.issued, [9_000]);
    run.clock.runUntil(START_US + 50_000, 1000);
    run.executor.stop();
    assert.deepEqual(run.issued, [9_000], 'stop() after the end does not call onIssued again');
    assert.equal(run.transport.sends.length, 10);
  });

  test('a schedule with nothing due before the duration ends at start', () => {
    const run = setup({ executor: constant(0.5, 1) }); // request 1 is due at 2 s, after the 1 ms run
    run.start();
    assert.equal(run.transport.sends.length, 1);
    assert.deepEqual(run.issued, [0]);
    assert.equal(run.clock.pendingTimers(), 0);
  });
});

describe('ArrivalRateExecutor: queueing', () => {
  test('with no free slot requests queue with their intended times, then go out FIFO as slots free', () => {
    const run = setup({ executor: constant(1000, 10), slots: 0, maxQueue: 100 });
    run.start();
    run.clock.runUntil(START_US + 20_000, 100);
    assert.equal(run.transport.sends.length, 0);
    assert.equal(run.executor.queued(), 10);
    assert.deepEqual(run.issued, [9_000], 'issuing is over even though nothing was sent');

    run.transport.addSlots(3);
    run.executor.onSlotFree();
    assert.deepEqual(run.transport.intendedSince(START_US), [0, 1000, 2000]);
    assert.deepEqual(run.transport.sentSince(START_US), [20_000, 20_000, 20_000]);
    assert.equal(run.executor.queued(), 7);

    run.clock.advance(5_000);
    run.transport.complete(1);
    run.executor.onSlotFree();
    assert.deepEqual(run.transport.intendedSince(START_US), [0, 1000, 2000, 3000]);
    assert.equal(run.transport.sends.at(-1)!.atUs - START_US, 25_000);

    run.transport.addSlots(100);
    run.executor.onSlotFree();
    assert.deepEqual(run.transport.intendedSince(START_US), range(10, 1000));
    assert.equal(run.executor.queued(), 0);
    assert.equal(run.recorder.measured.totals().sent, 10);
    assert.equal(run.recorder.measured.totals().dropped, 0);
    // The wait shows as schedule lag: request 3, intended at 3 ms, waited until 25 ms for its slot.
    const lag = run.recorder.measured.scheduleLag.maxValue;
    assert.ok(lag >= 22_000 && lag <= 22_032, `schedule lag ${lag} µs`);
  });

  test('a request due while others queue goes behind them even if a slot has come free', () => {
    const run = setup({ executor: constant(1000, 10), slots: 0 });
    run.start();
    run.clock.runUntil(START_US + 2_000, 100); // requests 0, 1, 2 queued
    assert.equal(run.executor.queued(), 3);
    run.transport.addSlots(1); // the executor has not been told yet
    run.clock.runUntil(START_US + 3_000, 100); // request 3 falls due
    assert.deepEqual(run.transport.intendedSince(START_US), [], 'request 3 must not overtake the queue');
    assert.equal(run.executor.queued(), 4);
    run.executor.onSlotFree();
    assert.deepEqual(run.transport.intendedSince(START_US), [0]);
  });

  test('onSlotFree with an empty queue sends nothing ahead of schedule', () => {
    const run = setup({ executor: constant(10, 1000) });
    run.start();
    run.executor.onSlotFree();
    run.executor.onSlotFree();
    assert.deepEqual(run.transport.intendedSince(START_US), [0]);
  });

  const boundCases = [
    { maxQueue: 5, due: 20, dropped: 15 },
    { maxQueue: 0, due: 20, dropped: 20 },
    { maxQueue: 20, due: 20, dropped: 0 },
  ];
  for (const { maxQueue, due, dropped } of boundCases) {
    test(`maxQueue ${maxQueue} with no slots: ${dropped} of ${due} counted droppedBy.queueFull`, () => {
      const run = setup({ executor: constant(1000, due), slots: 0, maxQueue });
      run.start();
      run.clock.runUntil(START_US + due * 1000, 100);
      const totals = run.recorder.measured.totals();
      assert.deepEqual(totals.droppedBy, { queueFull: dropped, lateBatch: 0, unsentAtEnd: 0 });
      assert.equal(totals.dropped, dropped);
      assert.deepEqual(totals.errors, dropped > 0 ? { dropped } : {});
      assert.equal(run.executor.queued(), due - dropped);
      // The queue kept the first ones: FIFO, the late arrivals were the ones dropped.
      run.transport.addSlots(Infinity);
      run.executor.onSlotFree();
      assert.deepEqual(run.transport.intendedSince(START_US), range(due - dropped, 1000));
    });
  }

  test('stop() counts queued requests droppedBy.unsentAtEnd, stops issuing and calls onIssued once', () => {
    const run = setup({ executor: constant(1000, 1000), slots: 2, maxQueue: 5 });
    run.start();
    run.clock.runUntil(START_US + 9_000, 100); // 10 due: 2 sent, 5 queued, 3 dropped
    assert.deepEqual(run.recorder.measured.totals().droppedBy, { queueFull: 3, lateBatch: 0, unsentAtEnd: 0 });
    assert.equal(run.executor.queued(), 5);
    run.executor.stop();
    assert.deepEqual(run.issued, [9_000]);
    assert.equal(run.executor.queued(), 0);
    assert.deepEqual(run.recorder.measured.totals().droppedBy, { queueFull: 3, lateBatch: 0, unsentAtEnd: 5 });
    assert.equal(run.recorder.measured.totals().dropped, 8);
    assert.equal(run.clock.pendingTimers(), 0);

    run.transport.complete(2);
    run.executor.onSlotFree();
    run.clock.runUntil(START_US + 100_000, 1000);
    assert.equal(run.transport.sends.length, 2, 'nothing is sent after stop()');
    run.executor.stop();
    assert.deepEqual(run.issued, [9_000]);
    assert.equal(run.recorder.measured.totals().droppedBy.unsentAtEnd, 5, 'a second stop() counts nothing twice');
  });
});

describe('ArrivalRateExecutor: bucket-rate', () => {
  test('each bucket’s batch goes out together at the bucket start', () => {
    const run = setup({ executor: bucket(15, 1000) });
    run.start();
    run.clock.runUntil(START_US + 1_000_000, 500);
    const sent = run.transport.sentSince(START_US);
    assert.equal(sent.length, 15);
    assert.deepEqual(sent, [0, 0, 100_000, 200_000, 200_000, 300_000, 400_000, 400_000, 500_000, 600_000, 600_000, 700_000, 800_000, 800_000, 900_000]);
    assert.deepEqual(run.transport.intendedSince(START_US), sent);
  });

  test('a clock jump over a whole bucket drops that batch whole (lateBatch) and sends the current one', () => {
    const run = setup({ executor: bucket(50, 1000) }); // 5 per 100 ms bucket
    run.start();
    assert.equal(run.transport.sends.length, 5);
    run.clock.advance(250_000); // the loop is blocked from 0 to 250 ms
    run.clock.advance(0);
    assert.equal(run.recorder.measured.totals().droppedBy.lateBatch, 5, 'bucket 1 (100–200 ms) ended unsent');
    assert.deepEqual(run.transport.intendedSince(START_US), [...new Array(5).fill(0), ...new Array(5).fill(200_000)]);
    assert.deepEqual(run.transport.sentSince(START_US).slice(5), new Array(5).fill(250_000));

    run.clock.runUntil(START_US + 1_100_000, 100);
    const totals = run.recorder.measured.totals();
    assert.equal(run.transport.sends.length, 45);
    assert.deepEqual(totals.droppedBy, { queueFull: 0, lateBatch: 5, unsentAtEnd: 0 });
    assert.equal(totals.sent + totals.dropped, 50);
    assert.deepEqual(
      run.transport.sentSince(START_US).slice(10),
      range(7, 100_000, 300_000).flatMap((us) => new Array(5).fill(us)),
    );
    assert.deepEqual(run.issued, [900_000]);
  });

  test('a batch reached exactly at its bucket’s end is late (the bucket is half-open)', () => {
    const run = setup({ executor: bucket(50, 1000) });
    run.start();
    run.clock.advance(200_000);
    run.clock.advance(0);
    assert.equal(run.recorder.measured.totals().droppedBy.lateBatch, 5);
    assert.deepEqual(run.transport.intendedSince(START_US), [...new Array(5).fill(0), ...new Array(5).fill(200_000)]);
  });

  test('a batch reached just before its bucket’s end is sent late, with its intended time', () => {
    const run = setup({ executor: bucket(50, 1000) });
    run.start();
    run.clock.advance(199_999);
    run.clock.advance(0);
    assert.equal(run.recorder.measured.totals().dropped, 0);
    assert.deepEqual(run.transport.intendedSince(START_US), [...new Array(5).fill(0), ...new Array(5).fill(100_000)]);
    assert.deepEqual(run.transport.sentSince(START_US).slice(5), new Array(5).fill(199_999));
  });

  test('a jump over several buckets drops each of them', () => {
    const run = setup({ executor: bucket(20, 1000) }); // 2 per bucket
    run.start();
    run.clock.advance(730_000);
    run.clock.advance(0);
    assert.equal(run.recorder.measured.totals().droppedBy.lateBatch, 12, 'buckets 1–6');
    assert.deepEqual(run.transport.intendedSince(START_US), [0, 0, 700_000, 700_000]);
  });
});

describe('ArrivalRateExecutor: changes mid-run', () => {
  // Where the first request at the new rate falls is left open (now, or one new gap after the last
  // one); what is pinned is the schedule before the change and the new spacing after it.
  const rateCases = [
    {
      name: 'setRate to a higher rate: 10 → 20 req/s at 250 ms',
      from: 10,
      to: 20,
      durationMs: 1000,
      atUs: 250_000,
      stepUs: 1000,
      before: [0, 100_000, 200_000],
    },
    { name: 'setRate to a lower rate: 1000 → 100 req/s at 10.5 ms', from: 1000, to: 100, durationMs: 100, atUs: 10_500, stepUs: 100, before: range(11, 1000) },
    {
      name: 'setRate at the instant of a send: 1000 → 250 req/s at 5 ms',
      from: 1000,
      to: 250,
      durationMs: 50,
      atUs: 5_000,
      stepUs: 100,
      before: range(6, 1000),
    },
  ];
  for (const { name, from, to, durationMs, atUs, stepUs, before } of rateCases) {
    test(`${name} changes the spacing from that moment`, () => {
      const run = setup({ executor: constant(from, durationMs) });
      run.start();
      run.clock.runUntil(START_US + atUs, stepUs);
      assert.deepEqual(run.transport.intendedSince(START_US), before);
      run.executor.setRate(to);
      run.clock.runUntil(START_US + durationMs * 1000 + 100_000, stepUs);
      const intended = run.transport.intendedSince(START_US);
      assert.deepEqual(run.transport.sentSince(START_US), intended, 'each sent at its intended time');
      const after = intended.slice(before.length);
      const gapUs = 1_000_000 / to;
      assert.ok(after[0]! >= atUs && after[0]! <= atUs + gapUs, `first at the new rate: ${after[0]} µs`);
      for (let index = 1; index < after.length; index++) assert.equal(after[index]! - after[index - 1]!, gapUs, `gap ${index} after the change`);
      assert.ok(after.at(-1)! < durationMs * 1000 && after.at(-1)! + gapUs >= durationMs * 1000, `runs to the end: last at ${after.at(-1)} µs`);
      assert.deepEqual(run.issued, [after.at(-1)]);
    });
  }

  test('setRate after issuing has ended sends nothing more', () => {
    const run = setup({ executor: constant(100, 50) });
    run.start();
    run.clock.runUntil(START_US + 60_000, 1000);
    assert.equal(run.transport.sends.length, 5);
    run.executor.setRate(1000);
    run.clock.runUntil(START_US + 100_000, 1000);
    assert.equal(run.transport.sends.length, 5);
    assert.equal(run.issued.length, 1);
  });

  // Bug: setRate rebases the new pacer at "now" with request 0 due at once, so every call sends a
  // request immediately. A ramp that calls setRate often (even with an unchanged rate) overshoots.
  test('setRate to the same rate leaves the schedule unchanged', () => {
    const run = setup({ executor: constant(10, 1000) });
    run.start();
    for (let atUs = 30_000; atUs < 1_000_000; atUs += 30_000) {
      run.clock.runUntil(START_US + atUs, 1000);
      run.executor.setRate(10);
    }
    run.clock.runUntil(START_US + 1_100_000, 1000);
    assert.deepEqual(run.transport.intendedSince(START_US), range(10, 100_000));
  });

  test('setConcurrency forwards to transport.setMaxConnections', () => {
    const run = setup({ executor: constant(10, 1000) });
    run.executor.setConcurrency(7);
    run.executor.setConcurrency(1);
    assert.deepEqual(run.transport.maxConnectionsCalls, [7, 1]);
  });
});

describe('ArrivalRateExecutor: edge cases', () => {
  // 1e6/29 is inexact; 29·(1e6/29) rounds below 1e6, so a 1 s run at 29 req/s issues 30 requests.
  test('N req/s for 1 s issues exactly N requests for rates with inexact intervals', () => {
    for (const rate of [29, 43, 47]) {
      const run = setup({ executor: constant(rate, 1000) });
      run.start();
      run.clock.runUntil(START_US + 1_100_000, 1000);
      assert.equal(run.transport.sends.length, rate, `${rate} req/s`);
    }
  });

  // An immediate scheduled while advance() runs must wait for the next advance, or a polling executor spins in place.
  test('the plain FakeClock can drive a polling executor', () => {
    const clock = new FakeClock(START_US);
    const plainImmediate = clock.setImmediate.bind(clock);
    let pollsAtSameInstant = 0;
    let lastUs = -1;
    clock.setImmediate = (callback) =>
      plainImmediate(() => {
        pollsAtSameInstant = clock.nowUs() === lastUs ? pollsAtSameInstant + 1 : 0;
        lastUs = clock.nowUs();
        if (pollsAtSameInstant > 10_000) throw new Error(`spinning: 10000 polls at ${clock.nowUs() - START_US} µs without time moving`);
        callback();
      });
    const recorder = new Recorder(START_US, EPOCH_MS);
    const transport = new FakeTransport(clock, Infinity, recorder);
    const executor = new ArrivalRateExecutor(pacerAt(constant(1000, 10)), { clock, transport, recorder, startUs: START_US, durationUs: 10_000 }, 100);
    executor.start(() => {});
    for (let step = 0; step < 200; step++) clock.advance(100);
    assert.equal(transport.sends.length, 10);
  });
});

describe('ArrivalRateExecutor.setRate after the generator fell behind', () => {
  test('requests that fell due at the old rate are still sent, with their old intended times', () => {
    const run = setup({ executor: constant(2000, 1000) });
    run.start();
    run.clock.runUntil(START_US + 100_000, 100); // on time: requests 0..200 due by 100 ms
    run.clock.advance(200_000); // the event loop stalls for 200 ms: no poll runs
    run.executor.setRate(2000);
    const sentBy300ms = run.transport.sends.length;
    assert.equal(sentBy300ms, 601, 'everything due by 300 ms (0 ms, 0.5 ms, … 300 ms) is sent at once');
    assert.equal(run.transport.sends[400]!.intendedUs, START_US + 200_000, 'a late request keeps its intended time');
    run.clock.runUntil(START_US + 1_100_000, 100);
    assert.equal(run.transport.sends.length, 2000);
    assert.equal(run.recorder.measured.totals().dropped, 0);
  });
});

describe('ArrivalRateExecutor: rates no target can take', () => {
  /** Counts the recorder's drop calls: a flood must be counted in a few, not one call per request. */
  function countDropCalls(recorder: Recorder): { calls: number } {
    const counter = { calls: 0 };
    const recordDropped = recorder.recordDropped.bind(recorder);
    recorder.recordDropped = (nowUs, count, reason) => {
      counter.calls++;
      recordDropped(nowUs, count, reason);
    };
    return counter;
  }

  for (const executor of [
    constant(1e9, 300),
    bucket(1e9, 300),
    { type: 'ramping-arrival-rate', startRatePerSec: 0, stages: [{ targetRatePerSec: 1e9, durationMs: 300 }], durationMs: 300 } as ArrivalExecutor,
  ]) {
    test(`${executor.type} at 1e9 req/s into 1 slot and a queue of 5: every due request counted, the drops at once`, () => {
      const run = setup({ executor, slots: 1, maxQueue: 5 });
      const drops = countDropCalls(run.recorder);
      run.start();
      run.clock.advance(150_000);
      run.clock.advance(200_000);
      run.clock.advance(0);
      run.executor.stop();
      const { sent, dropped } = run.recorder.measured.totals();
      const planned = executor.type === 'ramping-arrival-rate' ? 150_000_000 : 300_000_000;
      assert.equal(sent, 1);
      assert.equal(sent + dropped, planned, 'sent + dropped (the queue counted as unsent at the end)');
      // Counted a turn at a time, never a request at a time: while requests wait for the one slot the
      // executor waits on a 1 ms timer, so at most one drop call per millisecond of the run (and a few more).
      assert.ok(drops.calls <= 350 + 10, `${drops.calls} drop calls for ${planned} requests`);
      assert.equal(run.issued.length, 1);
    });
  }

  test('a schedule that cannot be counted at once (poisson) is stepped through a bounded number per turn', () => {
    const run = setup({ executor: { type: 'poisson-arrival-rate', ratePerSec: 1e7, durationMs: 10, seed: 3 }, slots: 1, maxQueue: 5 });
    const drops = countDropCalls(run.recorder);
    run.start();
    run.clock.advance(20_000);
    let turns = 0;
    for (let before = drops.calls; turns < 100 && run.issued.length === 0; turns++, before = drops.calls) {
      run.clock.advance(0);
      assert.ok(drops.calls - before <= 10_000, `turn ${turns} handled ${drops.calls - before} requests`);
    }
    assert.equal(run.issued.length, 1, 'the schedule ends within 100 turns');
    assert.ok(turns >= 9, `${turns} turns for about 100,000 requests`);
    const reference = new PoissonPacer(1e7, 3);
    let planned = 0;
    while (reference.dueUs(planned) < 10_000) planned++;
    run.executor.stop();
    const { sent, dropped } = run.recorder.measured.totals();
    assert.equal(sent + dropped, planned);
  });
});
