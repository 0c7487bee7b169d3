import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createController, type GradientController } from '../../src/control/index.js';
import { perSecondStats, simulate, type PlantShape } from './plant.js';

const TICK_MS = 250;
const plant = (slots: number, serviceMs: number): PlantShape => ({ slots, serviceMs, lagMs: 20, noise: 1 });

describe('AIMD', () => {
  test('climbs to the setpoint and saws around it within ±15%', () => {
    const controller = createController({ controller: 'aimd', tickMs: TICK_MS, minConcurrency: 1, maxConcurrency: 1000 });
    const ticks = simulate({ controller, tickMs: TICK_MS, durationMs: 20_000, setpointAt: () => 2000, plantAt: () => plant(100, 20) });
    const { mean } = perSecondStats(ticks, 5000, 20_000);
    assert.ok(Math.abs(mean - 2000) < 300, `mean ${mean}`);
  });

  test('stops at maxConcurrency and says so when the setpoint is out of reach', () => {
    const controller = createController({ controller: 'aimd', tickMs: TICK_MS, minConcurrency: 1, maxConcurrency: 32 });
    const ticks = simulate({ controller, tickMs: TICK_MS, durationMs: 15_000, setpointAt: () => 2000, plantAt: () => plant(8, 10) });
    assert.ok(ticks.slice(-10).every((tick) => tick.concurrency === 32 && tick.saturated));
  });
});

describe('gradient limiter', () => {
  test('holds a setpoint the target carries without queueing', () => {
    const controller = createController({ controller: 'gradient', tickMs: TICK_MS, minConcurrency: 1, maxConcurrency: 1000 });
    const ticks = simulate({ controller, tickMs: TICK_MS, durationMs: 20_000, setpointAt: () => 2000, plantAt: () => plant(100, 20) });
    const { mean } = perSecondStats(ticks, 5000, 20_000);
    assert.ok(Math.abs(mean - 2000) < 100, `mean ${mean}`);
  });

  test('past the knee it stops near the slots instead of piling requests up to maxConcurrency', () => {
    const controller = createController({ controller: 'gradient', tickMs: TICK_MS, minConcurrency: 1, maxConcurrency: 500 }) as GradientController;
    const ticks = simulate({ controller, tickMs: TICK_MS, durationMs: 20_000, setpointAt: () => 1600, plantAt: () => plant(8, 10) });
    const late = ticks.slice(-20);
    assert.ok(
      late.every((tick) => tick.concurrency <= 24),
      `dial: ${late.map((tick) => tick.concurrency)}`,
    );
    assert.ok(late.filter((tick) => tick.saturated).length >= 15, 'saturated against its ceiling');
    assert.ok(perSecondStats(ticks, 10_000, 20_000).mean > 700, 'still near the capacity of 800 req/s');
  });
});
