import type { ConcurrencyController } from '../../src/control/index.js';
import { seededRandom } from '../../src/schedule/random.js';

/**
 * A simulated target for controllers: first-order in throughput (it follows min(C / latency,
 * capacity) with time constant `lagMs`), with latency rising by Little's law once the concurrency
 * exceeds its slots, and Poisson-like counting noise on what a tick measures.
 */
export interface PlantShape {
  slots: number;
  serviceMs: number;
  lagMs: number;
  /** 1 = the noise of counting Poisson arrivals over a tick; 0 = none. */
  noise: number;
  /**
   * Added to a request's latency in proportion to the share of time the slots stand idle: a target on a
   * machine whose idle CPUs are slow to wake answers faster the busier it is kept.
   */
  wakeMs?: number;
}

export interface SimulatedTick {
  tMs: number;
  setpointPerSec: number;
  measuredPerSec: number;
  concurrency: number;
  saturated: boolean;
}

export interface Simulation {
  controller: ConcurrencyController;
  tickMs: number;
  durationMs: number;
  seed?: number;
  setpointAt: (tMs: number) => number;
  plantAt: (tMs: number) => PlantShape;
}

const STEP_MS = 1;

export function simulate({ controller, tickMs, durationMs, seed = 1, setpointAt, plantAt }: Simulation): SimulatedTick[] {
  const random = seededRandom(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const ticks: SimulatedTick[] = [];
  let throughput = 0;
  let concurrency = controller.concurrency;
  for (let tickStartMs = 0; tickStartMs < durationMs; tickStartMs += tickMs) {
    let sum = 0;
    let latencyMs = 0;
    for (let t = tickStartMs; t < tickStartMs + tickMs; t += STEP_MS) {
      const plant = plantAt(t);
      const capacityPerSec = (plant.slots * 1000) / plant.serviceMs;
      const idle = Math.max(0, 1 - concurrency / plant.slots);
      latencyMs = Math.max(plant.serviceMs + (plant.wakeMs ?? 0) * idle, (concurrency / capacityPerSec) * 1000);
      const steady = Math.min((concurrency * 1000) / latencyMs, capacityPerSec);
      throughput += (steady - throughput) * (STEP_MS / (plant.lagMs + STEP_MS));
      sum += throughput;
    }
    const mean = sum / (tickMs / STEP_MS);
    const tickSec = tickMs / 1000;
    const noise = plantAt(tickStartMs).noise * (Math.sqrt(mean * tickSec) / tickSec) * gaussian();
    const measured = Math.max(0, mean + noise);
    const tMs = tickStartMs + tickMs;
    const setpoint = setpointAt(tMs);
    const latencyNoise = 1 + 0.05 * plantAt(tickStartMs).noise * gaussian();
    concurrency = controller.update(measured, setpoint, tickMs, measured > 0 ? { meanMs: latencyMs * latencyNoise } : undefined);
    ticks.push({ tMs, setpointPerSec: setpoint, measuredPerSec: measured, concurrency, saturated: controller.saturated });
  }
  return ticks;
}

/** Mean and coefficient of variation of the measured throughput over whole seconds in [fromMs, toMs). */
export function perSecondStats(ticks: SimulatedTick[], fromMs: number, toMs: number): { mean: number; cv: number } {
  const seconds = new Map<number, number[]>();
  for (const tick of ticks) {
    if (tick.tMs <= fromMs || tick.tMs > toMs) continue;
    const second = Math.floor((tick.tMs - 1) / 1000);
    seconds.set(second, [...(seconds.get(second) ?? []), tick.measuredPerSec]);
  }
  const means = [...seconds.values()].map((values) => values.reduce((a, b) => a + b, 0) / values.length);
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  const variance = means.reduce((a, b) => a + (b - mean) ** 2, 0) / means.length;
  return { mean, cv: Math.sqrt(variance) / mean };
}
