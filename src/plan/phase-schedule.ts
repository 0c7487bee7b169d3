// When each phase of a `phases` executor runs. Without a run time the phases run once, in order;
// with `runTimeMs` they start over after the last, as the Locust wrapper's --run_time loop does: a
// phase starts while the run time has not passed and then runs to its end, so the run lasts until
// the end of the last phase started (at most one phase past the run time). Arithmetic over one
// cycle, never a list of occurrences, so any run time costs the same.

export interface PhaseSpan {
  durationMs: number;
}

export interface PhaseSchedule {
  phases: readonly PhaseSpan[];
  runTimeMs?: number | undefined;
}

const cycleMsOf = (phases: readonly PhaseSpan[]): number => phases.reduce((sum, phase) => sum + phase.durationMs, 0);

/** Start of each phase within a cycle. */
function offsetsMs(phases: readonly PhaseSpan[]): number[] {
  let at = 0;
  return phases.map((phase) => {
    const start = at;
    at += phase.durationMs;
    return start;
  });
}

/** Index within the cycle of the phase running `withinMs` into it (the last one past the end). */
function indexWithin(phases: readonly PhaseSpan[], withinMs: number): number {
  let endMs = 0;
  for (let index = 0; index < phases.length; index++) {
    endMs += phases[index]!.durationMs;
    if (withinMs < endMs) return index;
  }
  return phases.length - 1;
}

/** How long the executor runs: the phases once, or until the end of the last phase started before the run time. */
export function scheduleDurationMs(schedule: PhaseSchedule): number {
  const cycleMs = cycleMsOf(schedule.phases);
  const runTimeMs = schedule.runTimeMs;
  if (runTimeMs === undefined) return cycleMs;
  const cycle = Math.floor(runTimeMs / cycleMs);
  const withinMs = runTimeMs - cycle * cycleMs;
  // The run time is a cycle's end: every phase that started before it ran whole.
  if (withinMs === 0) return cycle * cycleMs;
  const offsets = offsetsMs(schedule.phases);
  let index = indexWithin(schedule.phases, withinMs);
  // A phase due to start at the run time exactly does not start (index ≥ 1 here: withinMs > 0 = offsets[0]).
  if (offsets[index] === withinMs) index--;
  return cycle * cycleMs + offsets[index]! + schedule.phases[index]!.durationMs;
}

/** The phase running at `elapsedMs`, and which start of a phase that is (0, 1, ... over the whole run: the step changes with every phase begun, also when one phase repeats itself). */
export function phaseStepAt(schedule: PhaseSchedule, elapsedMs: number): { phase: number; step: number } {
  const cycleMs = cycleMsOf(schedule.phases);
  const endMs = scheduleDurationMs(schedule);
  // Past the end (users finishing their last task) still counts as the last phase started.
  const atMs = Math.min(Math.max(elapsedMs, 0), endMs - 1e-6);
  const cycle = Math.floor(atMs / cycleMs);
  const phase = indexWithin(schedule.phases, atMs - cycle * cycleMs);
  return { phase, step: cycle * schedule.phases.length + phase };
}

/** Time spent in each phase over the first `elapsedMs` of the run; time past the schedule's end goes to the last phase started. */
export function phaseTimesMs(schedule: PhaseSchedule, elapsedMs: number): number[] {
  const cycleMs = cycleMsOf(schedule.phases);
  const endMs = scheduleDurationMs(schedule);
  const withinMs = Math.min(elapsedMs, endMs);
  const cycles = Math.floor(withinMs / cycleMs);
  const restMs = withinMs - cycles * cycleMs;
  const offsets = offsetsMs(schedule.phases);
  const times = schedule.phases.map((phase, index) => cycles * phase.durationMs + Math.min(Math.max(restMs - offsets[index]!, 0), phase.durationMs));
  if (elapsedMs > endMs) times[phaseStepAt(schedule, endMs).phase]! += elapsedMs - endMs;
  return times;
}
