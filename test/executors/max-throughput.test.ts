import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MaxThroughputExecutor } from '../../src/executors/max-throughput.js';
import { Recorder } from '../../src/metrics/recorder.js';
import type { Clock } from '../../src/time/clock.js';
import { FakeClock } from '../../src/time/fake-clock.js';
import { FakeTransport } from './fake-transport.js';

const START_US = 3_000_000;

function setup<C extends Clock = FakeClock>(slots: number, durationUs = 1_000_000, clock: C = new FakeClock(START_US) as unknown as C) {
  const recorder = new Recorder(START_US, 1_700_000_000_000);
  const transport = new FakeTransport(clock, slots, recorder);
  const executor = new MaxThroughputExecutor({ clock, transport, recorder, startUs: START_US, durationUs });
  const issued: number[] = [];
  const start = () => executor.start(() => issued.push(clock.nowUs() - START_US));
  return { clock, recorder, transport, executor, issued, start };
}

describe('MaxThroughputExecutor', () => {
  for (const slots of [1, 4, 64]) {
    test(`fills all ${slots} slots at start, each intended when sent`, () => {
      const run = setup(slots);
      run.start();
      assert.equal(run.transport.sends.length, slots);
      assert.deepEqual(run.transport.intendedSince(START_US), new Array(slots).fill(0));
      assert.deepEqual(run.transport.sentSince(START_US), new Array(slots).fill(0));
      assert.equal(run.transport.refused, 1, 'stops at the first refusal');
      assert.deepEqual(run.issued, []);
    });
  }

  test('sends again on each onSlotFree, intended at the moment it is sent', () => {
    const run = setup(2);
    run.start();
    run.clock.advance(5_000);
    run.transport.complete(1);
    run.executor.onSlotFree();
    assert.deepEqual(run.transport.sentSince(START_US), [0, 0, 5_000]);
    run.clock.advance(1_500);
    run.transport.complete(2);
    run.executor.onSlotFree();
    assert.deepEqual(run.transport.sentSince(START_US), [0, 0, 5_000, 6_500, 6_500]);
    assert.deepEqual(run.transport.intendedSince(START_US), run.transport.sentSince(START_US));
    run.executor.onSlotFree(); // told again with no slot free: nothing
    assert.equal(run.transport.sends.length, 5);
    assert.equal(run.executor.queued(), 0);
    assert.equal(run.recorder.measured.totals().sent, 5);
    assert.equal(run.recorder.measured.scheduleLag.maxValue, 0, 'a closed loop has no schedule lag');
  });

  test('a closed loop: one slot, each response triggers the next request', () => {
    const run = setup(1, 10_000);
    run.start();
    for (let step = 0; step < 9; step++) {
      run.clock.advance(1_000);
      run.transport.complete(1);
      run.executor.onSlotFree();
    }
    assert.deepEqual(
      run.transport.sentSince(START_US),
      Array.from({ length: 10 }, (_, index) => index * 1000),
    );
    assert.deepEqual(run.issued, []);
  });

  test('stops issuing at the duration: a slot freed at the end sends nothing', () => {
    const run = setup(2, 10_000);
    run.start();
    run.clock.advance(9_999);
    run.transport.complete(1);
    run.executor.onSlotFree();
    assert.equal(run.transport.sends.length, 3, 'just before the end it still sends');
    assert.deepEqual(run.issued, []);

    run.clock.advance(1); // the end timer fires at exactly the duration
    assert.deepEqual(run.issued, [10_000]);
    run.transport.complete(2);
    run.executor.onSlotFree();
    assert.equal(run.transport.sends.length, 3);
    run.clock.advance(1_000_000);
    assert.deepEqual(run.issued, [10_000], 'onIssued once');
    assert.equal(run.clock.pendingTimers(), 0);
  });

  test('a slot freed at the duration stops issuing even before the end timer runs', () => {
    // A clock that has moved past the end without running its timers yet (the loop was busy).
    let nowUs = START_US;
    let timers = 0;
    const clock: Clock = {
      nowUs: () => nowUs,
      epochMsAt: (us) => us / 1000,
      setTimer: () => (timers++, { cancel: () => void timers-- }),
      setImmediate: () => (timers++, { cancel: () => void timers-- }),
    };
    const run = setup(1, 10_000, clock);
    run.start();
    assert.equal(timers, 1, 'the end timer');
    nowUs = START_US + 12_000;
    run.transport.complete(1);
    run.executor.onSlotFree();
    assert.equal(run.transport.sends.length, 1);
    assert.deepEqual(run.issued, [12_000]);
    assert.equal(timers, 0, 'the end timer was cancelled');
  });

  test('stops at the duration when no slot ever frees (the end timer)', () => {
    const run = setup(3, 250_000);
    run.start();
    run.clock.advance(249_999);
    assert.deepEqual(run.issued, []);
    run.clock.advance(1);
    assert.deepEqual(run.issued, [250_000]);
    assert.equal(run.transport.sends.length, 3);
    assert.equal(run.clock.pendingTimers(), 0);
  });

  test('stop() early calls onIssued once, cancels the end timer, and later slots send nothing', () => {
    const run = setup(2, 1_000_000);
    run.start();
    run.clock.advance(100_000);
    run.executor.stop();
    run.executor.stop();
    assert.deepEqual(run.issued, [100_000]);
    assert.equal(run.clock.pendingTimers(), 0);
    run.transport.complete(2);
    run.executor.onSlotFree();
    run.clock.advance(2_000_000);
    assert.equal(run.transport.sends.length, 2);
    assert.deepEqual(run.issued, [100_000]);
    assert.equal(run.recorder.measured.totals().dropped, 0, 'nothing waits, so nothing is dropped');
  });

  test('setConcurrency forwards to transport.setMaxConnections', () => {
    const run = setup(1);
    run.executor.setConcurrency(10);
    run.executor.setConcurrency(3);
    assert.deepEqual(run.transport.maxConnectionsCalls, [10, 3]);
  });

  test('more slots after setConcurrency are filled on the next onSlotFree', () => {
    const run = setup(1);
    run.start();
    run.executor.setConcurrency(4);
    run.transport.addSlots(3); // the transport opened the new connections
    run.executor.onSlotFree();
    assert.equal(run.transport.sends.length, 4);
  });

  test('setRate throws: a closed loop has no rate', () => {
    const run = setup(1);
    assert.throws(() => run.executor.setRate(), /no rate/);
  });
});
