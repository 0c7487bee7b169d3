import { setFlagsFromString } from 'node:v8';
import type { GeneratorHealth, Pressure } from '../metrics/generator-monitor.js';
import type { JitMode } from '../plan/run-options.js';
import { kindOf } from '../plan/executors/index.js';
import { scenarioPlans, type Plan } from '../plan/schema.js';

// Which of V8's compilers the generator's code may use. `peak`: every tier, TurboFan included, for
// the most requests per CPU-second. `steady`: every tier but TurboFan. TurboFan compiles a hot
// function for 1–12 ms on a helper thread, and on a generator pinned to one core that thread takes
// the core while requests fall due: at 5k and 20k req/s its compiles alone put p99 schedule lag at
// 0.4–1.9 ms, and at 0.06–0.15 ms without them (docs/jit.md). Without TurboFan the generator also
// sends 2–4× fewer requests per CPU-second, and how many that leaves depends on the machine; so
// `auto` starts a paced load as `steady` and switches TurboFan on as soon as the run falls behind its
// schedule, judged from what it measures, never from a rate fixed in advance.

/** The compilers a run starts with: `auto` starts a paced load without TurboFan, anything else with it. */
export function jitFor(plan: Plan, mode: JitMode = 'auto'): Exclude<JitMode, 'auto'> {
  if (mode !== 'auto') return mode;
  // A load that runs flat out (max throughput) or runs users' scripts wants every request per CPU-second.
  return scenarioPlans(plan).every(({ plan: load }) => kindOf(load.executor).peakRatePerSec(load.executor) !== null) ? 'steady' : 'peak';
}

/** Sets V8's flags for the whole process: it affects functions compiled from now on. */
export function useJit(mode: Exclude<JitMode, 'auto'>): void {
  setFlagsFromString(mode === 'steady' ? '--no-turbofan' : '--turbofan');
}

/**
 * `--jit` over one load: sets the compilers it starts with and, under `auto`, switches TurboFan on
 * for good the first time the run stays behind its schedule, whatever holds it back: by then the low
 * lag `steady` is for is lost anyway, and a generator that waits for a core other processes hold, or
 * whose connections wait for answers it reads late, is helped by cheaper code too (one that waited
 * only on a slow target pays a few compiles, once). Hot functions are then compiled by TurboFan as
 * they run on; V8's flags are the process's, so every load of it (a scenario, a worker thread) gets
 * them, while each one decides from its own schedule.
 */
export class JitGovernor {
  private readonly adaptive: boolean;
  private turbofanFromMs: number | undefined;

  constructor(plan: Plan, mode: JitMode = 'auto') {
    const start = jitFor(plan, mode);
    useJit(start);
    this.adaptive = mode === 'auto' && start === 'steady';
    if (start === 'peak') this.turbofanFromMs = 0;
  }

  /** Told how the run keeps its schedule, `elapsedMs` after time zero. */
  onPressure({ lasting }: Pressure, elapsedMs: number): void {
    if (!this.adaptive || this.turbofanFromMs !== undefined || !lasting) return;
    useJit('peak');
    this.turbofanFromMs = Math.round(elapsedMs);
  }

  /** What the result records of it. */
  health(): Pick<GeneratorHealth, 'turbofanFromMs'> {
    return this.turbofanFromMs === undefined ? {} : { turbofanFromMs: this.turbofanFromMs };
  }
}
