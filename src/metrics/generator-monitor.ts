import { coreWaitNs } from './core-wait.js';
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

/** What held a run behind its schedule: the generator's own event loop, or the connections it may open. */
export type Limit = 'generator' | 'connections';

/** The oldest request that is due but not yet sent, as the executor sees it. */
export interface Backlog {
  /** Its intended send time, µs on the run's clock. */
  oldestDueUs: number;
  /** It waits in the queue for a free connection; otherwise the executor itself has not got to it yet. */
  waitingForConnections: boolean;
}

/** How far behind its schedule the run is now, and, once that has lasted, what holds it back. */
export interface Pressure {
  behindMs: number;
  /** Set once the run has stayed behind long enough to be more than a stall it recovers from. */
  lasting?: true;
  limit?: Limit;
}

export interface GeneratorHealth {
  /**
   * CPU time of this process over wall time; 100 = one core busy. In a worker thread, the busy share
   * of its event loop instead: Node 20 measures CPU per process only, and a worker is one thread.
   */
  cpuPercent: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /**
   * Time this thread was ready to run but waited for a core that other processes held, over wall time
   * (100 = a whole core's worth); absent where the system does not say (Linux does).
   */
  waitingForCorePercent?: number;
  /** How long the run stayed behind its schedule, by what held it back (absent in results written before it was measured). */
  behindMs?: Record<Limit, number>;
  /** When TurboFan was on: from time zero (0), or from when `--jit auto` switched it on (ms); absent when it never was. */
  turbofanFromMs?: number;
}

/** Watches the generator itself: a busy CPU or a late event loop means the numbers describe salvo, not the target. */
const RESOLUTION_MS = 10;

/**
 * How late the oldest due request may be before the run counts as behind: past the scheduling gaps
 * of a shared or virtual machine (0.2–4 ms) and a garbage collection, far below a user-visible delay.
 */
const BEHIND_MS = 10;
/** How long it must stay behind before that names a limit: a stall the generator recovers from names none. */
const SUSTAINED_MS = 200;
/**
 * The event loop's busy share above which the generator is the limit, even when requests wait for
 * connections: a loop that busy reads its answers late, and so keeps its connections busy itself.
 * The executor does not poll while requests wait for connections, so its own waiting does not count as busy.
 */
const BUSY_SHARE = 0.9;

export class GeneratorMonitor {
  private readonly startCpu = process.cpuUsage();
  private readonly startLoop: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly startWallMs = performance.now();
  private readonly startCoreWaitNs = coreWaitNs();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly behindUs: Record<Limit, number> = { generator: 0, connections: 0 };
  /** Since when the run has been behind without a break, and the loop's counters then. */
  private behindSince: { us: number; loop: EventLoopUtilization; named: boolean } | undefined;
  private lastSampleUs = 0;

  constructor() {
    this.loopDelay.enable();
  }

  /** Judges the backlog now (the runner asks every few ms): behind or not, and once that lasts, why. */
  sample(nowUs: number, backlog: Backlog | undefined): Pressure {
    const behindMs = backlog ? Math.max(0, nowUs - backlog.oldestDueUs) / 1000 : 0;
    const sinceUs = this.lastSampleUs;
    this.lastSampleUs = nowUs;
    if (behindMs < BEHIND_MS) {
      this.behindSince = undefined;
      return { behindMs };
    }
    this.behindSince ??= { us: nowUs, loop: performance.eventLoopUtilization(), named: false };
    const behindForUs = nowUs - this.behindSince.us;
    if (behindForUs < SUSTAINED_MS * 1000) return { behindMs };
    const busyShare = performance.eventLoopUtilization(this.behindSince.loop).utilization;
    // An idle loop that is late was not given the CPU (the machine is busy with others): neither its
    // code nor its connections are the limit then.
    const limit: Limit | undefined = busyShare >= BUSY_SHARE ? 'generator' : backlog!.waitingForConnections ? 'connections' : undefined;
    if (!limit) return { behindMs, lasting: true };
    // The stretch that made it last counts too, once, when it first names a limit.
    this.behindUs[limit] += this.behindSince.named ? nowUs - sinceUs : behindForUs;
    this.behindSince.named = true;
    return { behindMs, lasting: true, limit };
  }

  stop(): GeneratorHealth {
    this.loopDelay.disable();
    const wallMs = Math.max(1, performance.now() - this.startWallMs);
    // The histogram holds whole intervals between its timer's runs; the delay is what exceeds the resolution.
    const nsToMs = (ns: number): number => Math.max(0, Math.round(ns / 1000 - RESOLUTION_MS * 1000) / 1000);
    const hasSamples = this.loopDelay.count > 0;
    const endCoreWaitNs = coreWaitNs();
    const waitedNs = this.startCoreWaitNs === undefined || endCoreWaitNs === undefined ? undefined : endCoreWaitNs - this.startCoreWaitNs;
    return {
      ...(waitedNs === undefined ? {} : { waitingForCorePercent: Math.round((waitedNs / 1e6 / wallMs) * 1000) / 10 }),
      cpuPercent: Math.round((isMainThread ? this.cpuMs() / wallMs : performance.eventLoopUtilization(this.startLoop).utilization) * 1000) / 10,
      eventLoopDelayMs: {
        p50: hasSamples ? nsToMs(this.loopDelay.percentile(50)) : 0,
        p99: hasSamples ? nsToMs(this.loopDelay.percentile(99)) : 0,
        max: hasSamples ? nsToMs(this.loopDelay.max) : 0,
      },
      behindMs: { generator: Math.round(this.behindUs.generator / 1000), connections: Math.round(this.behindUs.connections / 1000) },
    };
  }

  private cpuMs(): number {
    const cpu = process.cpuUsage(this.startCpu);
    return (cpu.user + cpu.system) / 1000;
  }
}
