import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface GeneratorHealth {
  /** CPU time of this process over wall time; 100 = one core busy. */
  cpuPercent: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** Watches the generator itself: a busy CPU or a late event loop means the numbers describe salvo, not the target. */
const RESOLUTION_MS = 10;

export class GeneratorMonitor {
  private readonly startCpu = process.cpuUsage();
  private readonly startWallMs = performance.now();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.loopDelay.enable();
  }

  stop(): GeneratorHealth {
    this.loopDelay.disable();
    const cpu = process.cpuUsage(this.startCpu);
    const wallMs = Math.max(1, performance.now() - this.startWallMs);
    // The histogram holds whole intervals between its timer's runs; the delay is what exceeds the resolution.
    const nsToMs = (ns: number): number => Math.max(0, Math.round(ns / 1000 - RESOLUTION_MS * 1000) / 1000);
    const hasSamples = this.loopDelay.count > 0;
    return {
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
      eventLoopDelayMs: {
        p50: hasSamples ? nsToMs(this.loopDelay.percentile(50)) : 0,
        p99: hasSamples ? nsToMs(this.loopDelay.percentile(99)) : 0,
        max: hasSamples ? nsToMs(this.loopDelay.max) : 0,
      },
    };
  }
}
