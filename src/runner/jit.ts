import { setFlagsFromString } from 'node:v8';
import type { JitMode } from '../plan/run-options.js';
import { kindOf } from '../plan/executors/index.js';
import { scenarioPlans, type Plan } from '../plan/schema.js';

// Which of V8's compilers the generator's code may use. `peak`: every tier, TurboFan included, for
// the most requests per CPU-second. `steady`: every tier but TurboFan. TurboFan compiles a hot
// function for 1–12 ms on a helper thread, and on a generator pinned to one core that thread takes
// the core while requests fall due: at 5k and 20k req/s its compiles alone put p99 schedule lag at
// 0.4–1.9 ms, and at 0.06–0.15 ms without them (README, performance). `auto` picks by the plan.

/**
 * Open-model rates per thread up to which `auto` picks `steady`. Without TurboFan one core still
 * sends ~65k req/s (HTTP/1.1, measured; 130k with it), so this leaves more than twice the headroom.
 */
export const STEADY_MAX_RATE_PER_THREAD = 25_000;

/**
 * `steady` when every load of the plan paces requests at a rate this thread can meet without
 * TurboFan; a load that runs flat out (max throughput) or runs users' scripts wants `peak`.
 */
export function jitFor(plan: Plan, mode: JitMode = 'auto'): Exclude<JitMode, 'auto'> {
  if (mode !== 'auto') return mode;
  let rate = 0;
  for (const { plan: load } of scenarioPlans(plan)) {
    const peakRatePerSec = kindOf(load.executor).peakRatePerSec(load.executor);
    if (peakRatePerSec === null) return 'peak';
    rate += peakRatePerSec;
  }
  const threadRate = plan.shard ? rate / plan.shard.count : rate;
  return threadRate <= STEADY_MAX_RATE_PER_THREAD ? 'steady' : 'peak';
}

/** Sets V8's flags for the whole process: it affects functions compiled from now on. */
export function useJit(mode: Exclude<JitMode, 'auto'>): void {
  setFlagsFromString(mode === 'steady' ? '--no-turbofan' : '--turbofan');
}
