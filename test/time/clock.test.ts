import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { LONGEST_TIMER_MS, setLongTimeout, systemClock } from '../../src/time/clock.js';

describe('systemClock timers past the 2^31 ms limit', () => {
  test('a delay longer than a timer holds does not fire at once', async () => {
    let fired = false;
    const timer = systemClock.setTimer(() => (fired = true), LONGEST_TIMER_MS + 1000);
    await sleep(50);
    timer.cancel();
    assert.equal(fired, false, 'fired early (Node runs an overflowing timer after 1 ms)');
  });

  test('a long delay is taken in steps and fires no earlier than due; cancel works between steps', async () => {
    const startedMs = performance.now();
    let firedAtMs = 0;
    await new Promise<void>((resolve) =>
      setLongTimeout(
        () => {
          firedAtMs = performance.now();
          resolve();
        },
        60,
        15,
      ),
    );
    assert.ok(firedAtMs - startedMs >= 59, `fired after ${firedAtMs - startedMs} ms`);
    let cancelledFired = false;
    const cancelled = setLongTimeout(() => (cancelledFired = true), 60, 15);
    await sleep(25);
    cancelled.cancel();
    await sleep(80);
    assert.equal(cancelledFired, false);
  });
});
