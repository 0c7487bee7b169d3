import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createController, PidController, defaultPidGains } from '../../src/control/index.js';
import { perSecondStats, simulate, type PlantShape, type SimulatedTick } from './plant.js';

const TICK_MS = 250;
const pid = (maxConcurrency = 1000) => createController({ controller: 'pid', tickMs: TICK_MS, minConcurrency: 1, maxConcurrency });
const plant = (slots: number, serviceMs: number, noise = 1): PlantShape => ({ slots, serviceMs, lagMs: 20, noise });

/** The first tick from which the per-second mean stays within ±tolerance of the setpoint to `untilMs`. */
function settledAfter(ticks: SimulatedTick[], fromMs: number, untilMs: number, tolerance = 0.05): number | undefined {
  let settled: number | undefined;
  for (let second = Math.floor(fromMs / 1000); second < untilMs / 1000; second++) {
    const { mean } = perSecondStats(ticks, second * 1000, (second + 1) * 1000);
    const setpoint = ticks.find((tick) => tick.tMs > second * 1000)!.setpointPerSec;
    if (Math.abs(mean - setpoint) > tolerance * setpoint) settled = undefined;
    else settled ??= second * 1000;
  }
  return settled;
}

describe('PID on a simulated first-order plant with counting noise', () => {
  test('step response: 300 req/s on 8 slots × 10 ms holds within ±5% in 5 s, on a steady dial', () => {
    // A quarter of the noise of Poisson counting: a closed loop on a fixed service time completes far more regularly than arrivals at random.
    const ticks = simulate({ controller: pid(), tickMs: TICK_MS, durationMs: 20_000, setpointAt: () => 300, plantAt: () => plant(8, 10, 0.25) });
    const settled = settledAfter(ticks, 0, 20_000);
    assert.ok(settled !== undefined && settled <= 5000, `settled at ${settled} ms`);
    const after = ticks.filter((tick) => tick.tMs > 5000).map((tick) => tick.concurrency);
    assert.ok(Math.min(...after) >= 2.7 && Math.max(...after) <= 3.3, `the dial stays near 3: ${Math.min(...after)}..${Math.max(...after)}`);
  });

  test('a setpoint step 500 → 2000 req/s is followed within 5 s, overshooting ≤ 10%, with no derivative kick', () => {
    const ticks = simulate({
      controller: pid(),
      tickMs: TICK_MS,
      durationMs: 20_000,
      setpointAt: (t) => (t <= 8000 ? 500 : 2000),
      plantAt: () => plant(100, 20),
    });
    const settled = settledAfter(ticks, 8000, 20_000);
    assert.ok(settled !== undefined && settled <= 13_000, `settled at ${settled} ms`);
    for (let second = 9; second < 20; second++) assert.ok(perSecondStats(ticks, second * 1000, (second + 1) * 1000).mean <= 2200, `second ${second}`);
    // Right after the step the dial moves by the feed-forward and proportional terms only: at most doubling.
    const stepIndex = ticks.findIndex((tick) => tick.setpointPerSec === 2000);
    assert.ok(ticks[stepIndex]!.concurrency <= 2 * ticks[stepIndex - 1]!.concurrency);
  });

  test('disturbance: latency 10 → 30 ms at 10 s at 1,000 req/s is rejected in 5 s, overshoot ≤ 10%, dial ~10 → ~30', () => {
    const ticks = simulate({
      controller: pid(),
      tickMs: TICK_MS,
      durationMs: 25_000,
      setpointAt: () => 1000,
      plantAt: (t) => plant(100, t < 10_000 ? 10 : 30),
    });
    const settled = settledAfter(ticks, 10_000, 25_000);
    assert.ok(settled !== undefined && settled <= 15_000, `settled at ${settled} ms`);
    for (let second = 11; second < 25; second++) assert.ok(perSecondStats(ticks, second * 1000, (second + 1) * 1000).mean <= 1100, `second ${second}`);
    const before = ticks.filter((tick) => tick.tMs > 6000 && tick.tMs <= 10_000).map((tick) => tick.concurrency);
    const after = ticks.filter((tick) => tick.tMs > 16_000).map((tick) => tick.concurrency);
    assert.ok(Math.min(...before) >= 8 && Math.max(...before) <= 12, `before: ${before}`);
    assert.ok(Math.min(...after) >= 26 && Math.max(...after) <= 34, `after: ${after}`);
  });

  test('no windup: a setpoint 2× capacity clamps at maxConcurrency, is saturated, and recovers within 5 s when capacity returns', () => {
    const ticks = simulate({
      controller: pid(64),
      tickMs: TICK_MS,
      durationMs: 25_000,
      setpointAt: () => 1600,
      plantAt: (t) => plant(t < 10_000 ? 8 : 100, 10),
    });
    const held = ticks.filter((tick) => tick.tMs > 3000 && tick.tMs <= 10_000);
    assert.ok(
      held.every((tick) => tick.concurrency === 64 && tick.saturated),
      'clamped at the ceiling, saturated',
    );
    const settled = settledAfter(ticks, 10_000, 25_000);
    assert.ok(settled !== undefined && settled <= 15_000, `settled at ${settled} ms`);
    const after = ticks.filter((tick) => tick.tMs > 15_000).map((tick) => tick.concurrency);
    assert.ok(Math.max(...after) <= 20, `the dial came back down near 16: ${after}`);
  });

  test('no windup when capacity returns only just above the setpoint: the dial follows the draining queue down within 5 s', () => {
    // 8 slots × 10 ms (800/s) → × 4 ms (2,000/s) under a 1,600/s setpoint: the ceiling's 64 requests
    // stay queued at full capacity until the dial comes down to ~6, so the throughput tells it nothing.
    const ticks = simulate({
      controller: pid(64),
      tickMs: TICK_MS,
      durationMs: 25_000,
      setpointAt: () => 1600,
      plantAt: (t) => plant(8, t < 10_000 ? 10 : 4),
    });
    const settled = settledAfter(ticks, 10_000, 25_000);
    assert.ok(settled !== undefined && settled <= 15_000, `settled at ${settled} ms`);
    // The drain holds the throughput above the setpoint for seconds: an integral driven below the
    // model then would hold the dial short of the setpoint once the queue is gone.
    for (let second = 10; second < 25; second++) {
      const { mean } = perSecondStats(ticks, second * 1000, (second + 1) * 1000);
      assert.ok(mean >= 0.9 * 1600, `second ${second}: ${Math.round(mean)}/s, short of the setpoint after the drain`);
    }
  });

  test('a setpoint between two whole concurrencies: the dial settles on the fraction, still, no limit cycle', () => {
    // 640 req/s at 10 ms wants 6.4 in flight.
    const ticks = simulate({ controller: pid(), tickMs: TICK_MS, durationMs: 30_000, setpointAt: () => 640, plantAt: () => plant(100, 10, 0) });
    const late = ticks.filter((tick) => tick.tMs > 10_000).map((tick) => tick.concurrency);
    assert.ok(Math.max(...late) - Math.min(...late) < 0.01, `dial after settling: ${Math.min(...late)}..${Math.max(...late)}`);
    assert.ok(Math.abs(late.at(-1)! - 6.4) < 0.05, `dial ${late.at(-1)}`);
    assert.ok(Math.abs(ticks.at(-1)!.measuredPerSec - 640) < 640 * 0.01);
  });

  test('a fast target at a low setpoint: less than one request in flight on average', () => {
    // 5,000 req/s of 30 µs requests: 0.15 in flight.
    const controller = createController({ controller: 'pid', tickMs: TICK_MS, minConcurrency: 0.01, maxConcurrency: 1000 });
    const ticks = simulate({
      controller,
      tickMs: TICK_MS,
      durationMs: 20_000,
      setpointAt: () => 5000,
      plantAt: () => ({ slots: 1, serviceMs: 0.03, lagMs: 1, noise: 0.25 }),
    });
    const { mean } = perSecondStats(ticks, 10_000, 20_000);
    assert.ok(Math.abs(mean - 5000) < 250, `mean ${mean}`);
    assert.ok(ticks.at(-1)!.concurrency < 0.3, `dial ${ticks.at(-1)!.concurrency}`);
  });

  for (const wakeMs of [0.4, 0.8]) {
    test(`a target that answers faster the busier it is kept (${wakeMs} ms to wake when idle): held, not swung across the setpoint every tick`, () => {
      // 5,000 req/s of 66 µs requests on a machine whose idle CPU takes that long to wake: at 0.6 in flight
      // requests take 0.38 ms, at 1.2 66 µs, so Little's law's model overshoots whichever side it starts from.
      for (const seed of [1, 2, 3]) {
        const controller = createController({ controller: 'pid', tickMs: TICK_MS, minConcurrency: 0.01, maxConcurrency: 1000 });
        const ticks = simulate({
          controller,
          tickMs: TICK_MS,
          durationMs: 20_000,
          seed,
          setpointAt: () => 5000,
          plantAt: () => ({ slots: 1, serviceMs: 0.066, lagMs: 1, noise: 0.25, wakeMs }),
        });
        const { mean, cv } = perSecondStats(ticks, 10_000, 20_000);
        assert.ok(Math.abs(mean - 5000) < 250 && cv < 0.05, `seed ${seed}: mean ${mean}, CV ${cv}`);
        const late = ticks.filter((tick) => tick.tMs > 10_000).map((tick) => tick.measuredPerSec);
        assert.ok(Math.min(...late) > 4000 && Math.max(...late) < 6000, `seed ${seed}: ticks ${Math.min(...late)}..${Math.max(...late)}`);
      }
    });
  }

  for (const { rate, slots, serviceMs, inFlight } of [
    { rate: 10, slots: 50, serviceMs: 1000, inFlight: 10 },
    { rate: 1000, slots: 100, serviceMs: 20, inFlight: 20 },
    { rate: 100_000, slots: 1000, serviceMs: 2, inFlight: 200 },
  ]) {
    test(`default gains hold ${rate} req/s (${serviceMs} ms a request) within ±5%, the dial near ${inFlight}`, () => {
      const ticks = simulate({ controller: pid(), tickMs: TICK_MS, durationMs: 40_000, setpointAt: () => rate, plantAt: () => plant(slots, serviceMs) });
      // Judged over 20 s: at 10 req/s a second holds ten requests, whose count alone varies by a third.
      const { mean } = perSecondStats(ticks, 20_000, 40_000);
      assert.ok(Math.abs(mean - rate) <= 0.05 * rate, `mean ${mean}`);
      const late = ticks.filter((tick) => tick.tMs > 20_000).map((tick) => tick.concurrency);
      assert.ok(Math.min(...late) >= 0.8 * inFlight && Math.max(...late) <= 1.2 * inFlight, `dial: ${[...new Set(late)]}`);
    });
  }

  test('the dial never leaves [min, max] nor more than doubles or halves in a tick', () => {
    const controller = new PidController({ minConcurrency: 2, maxConcurrency: 40, gains: defaultPidGains(TICK_MS) });
    const ticks = simulate({ controller, tickMs: TICK_MS, durationMs: 20_000, setpointAt: (t) => (t < 10_000 ? 5000 : 10), plantAt: () => plant(100, 10) });
    let previous = 2;
    for (const { concurrency } of ticks) {
      assert.ok(concurrency >= 2 && concurrency <= 40);
      assert.ok(concurrency <= 2 * previous && concurrency >= previous / 2, `${previous} → ${concurrency}`);
      previous = concurrency;
    }
  });
});
