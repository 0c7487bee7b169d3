import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PacedSlots } from '../../src/control/paced-slots.js';
import type { Clock, Timer } from '../../src/time/clock.js';

/**
 * A clock on which code takes time: every reading moves it on by `readUs`, as a real clock moves
 * between two calls; timers and immediates run in due order when `drain` is called, and `stall`
 * holds everything back for a while, as a descheduled process is held.
 */
class CreepingClock implements Clock {
  private currentUs = 0;
  private readonly pending: { dueUs: number; order: number; callback: () => void; cancelled: boolean }[] = [];
  private order = 0;
  private stalledUntilUs = -1;

  constructor(private readonly readUs: number) {}

  nowUs(): number {
    this.currentUs += this.readUs;
    return this.currentUs;
  }

  epochMsAt(us: number): number {
    return us / 1000;
  }

  setTimer(callback: () => void, delayMs: number): Timer {
    return this.schedule(callback, this.currentUs + Math.max(1, delayMs) * 1000);
  }

  setImmediate(callback: () => void): Timer {
    return this.schedule(callback, this.currentUs);
  }

  /** Nothing runs from `fromUs` to `untilUs`; what fell due meanwhile runs late. */
  stall(fromUs: number, untilUs: number): void {
    this.schedule(() => (this.stalledUntilUs = untilUs), fromUs);
  }

  /** Runs what falls due, in order, until nothing is left or `untilUs` is passed. */
  drain(untilUs: number): void {
    for (;;) {
      this.pending.sort((a, b) => a.dueUs - b.dueUs || a.order - b.order);
      const next = this.pending.shift();
      if (!next || next.dueUs > untilUs) return;
      if (next.cancelled) continue;
      this.currentUs = Math.max(this.currentUs, next.dueUs, this.stalledUntilUs);
      next.callback();
    }
  }

  private schedule(callback: () => void, dueUs: number): Timer {
    const entry = { dueUs, order: ++this.order, callback, cancelled: false };
    this.pending.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  }
}

/**
 * Runs slots whose requests each take `latencyMs` (answered on time; read late if the clock stalls)
 * until `untilUs`, the dial set again (to the same value) at `dialSetAtUs`; returns how many started.
 */
function startedBy(clock: CreepingClock, concurrency: number, latencyMs: number, untilUs: number, dialSetAtUs?: number): number {
  let started = 0;
  const slots: PacedSlots = new PacedSlots(clock, concurrency, () => {
    started++;
    const sentUs = clock.nowUs();
    clock.setTimer(() => {
      slots.ended(clock.nowUs() - sentUs);
      slots.fill();
    }, latencyMs);
    return true;
  });
  if (dialSetAtUs !== undefined) clock.setTimer(() => slots.setConcurrency(concurrency), dialSetAtUs / 1000);
  slots.fill();
  clock.drain(untilUs);
  slots.close();
  return started;
}

const assertNear = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 0.05 * expected, `${actual} ${what}, ${expected} expected`);

describe('PacedSlots', () => {
  for (const readUs of [0.5, 1, 3]) {
    test(`a fraction of a request in flight keeps its duty cycle while the clock moves between readings (${readUs} µs a reading)`, () => {
      assertNear(startedBy(new CreepingClock(readUs), 0.25, 1, 200_000), (0.25 * 200_000) / 1000, 'requests started');
    });
  }

  test('sending time lost to a stall is made up until the dial is next set', () => {
    const clock = new CreepingClock(1);
    clock.stall(50_000, 100_000);
    assertNear(startedBy(clock, 0.25, 1, 200_000), (0.25 * 200_000) / 1000, 'requests started');
  });

  test('what a stall left owed is let go when the dial is next set: the controller answers it', () => {
    const clock = new CreepingClock(1);
    clock.stall(50_000, 100_000);
    const lostToStall = (0.25 * 50_000) / 1000;
    assertNear(startedBy(clock, 0.25, 1, 200_000, 100_000), (0.25 * 200_000) / 1000 - lostToStall, 'requests started');
  });

  test('a request read late after a stall is not waited out (1 − c) / c times over', () => {
    const clock = new CreepingClock(1);
    // 30 ms stalled with a request in flight: its 31 ms would otherwise owe a pause of 279 ms.
    clock.stall(50_500, 80_000);
    const lostToStall = (0.1 * 30_000) / 1000;
    assertNear(startedBy(clock, 0.1, 1, 300_000), (0.1 * 300_000) / 1000 - lostToStall, 'requests started');
  });
});
