import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

export interface GeneratorHealth {
  /**
   * CPU time of this process over wall time; 100 = one core busy. In a worker thread, the busy share
   * of its event loop instead: Node 20 measures CPU per process only, and a worker is one thread.
   */
  cpuPercent: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** Watches the generator itself: a busy CPU or a late event loop means the numbers describe salvo, not the target. */
const RESOLUTION_MS = 10;

export class GeneratorMonitor {
  private readonly startCpu = process.cpuUsage();
  private readonly startLoop: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly startWallMs = performance.now();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.loopDelay.enable();
  }

  stop(): GeneratorHealth {
    this.loopDelay.disable();
    const wallMs = Math.max(1, performance.now() - this.startWallMs);
    // The histogram holds whole intervals between its timer's runs; the delay is what exceeds the resolution.
    const nsToMs = (ns: number): number => Math.max(0, Math.round(ns / 1000 - RESOLUTION_MS * 1000) / 1000);
    const hasSamples = this.loopDelay.count > 0;
    return {
      cpuPercent: Math.round((isMainThread ? this.cpuMs() / wallMs : performance.eventLoopUtilization(this.startLoop).utilization) * 1000) / 10,
      eventLoopDelayMs: {
        p50: hasSamples ? nsToMs(this.loopDelay.percentile(50)) : 0,
        p99: hasSamples ? nsToMs(this.loopDelay.percentile(99)) : 0,
        max: hasSamples ? nsToMs(this.loopDelay.max) : 0,
      },
    };
  }

  private cpuMs(): number {
    const cpu = process.cpuUsage(this.startCpu);
    return (cpu.user + cpu.system) / 1000;
  }
}
