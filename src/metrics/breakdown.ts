import type { Histogram } from 'hdr-histogram-js';
import { createHistogram, encodeHistogram, recordUs } from './histogram.js';

/** Requests of one name (a task, a user type, a phase): counts and their latencies, losslessly encoded. */
export interface NamedStatsResult {
  name: string;
  requests: number;
  /** Requests that ended in an error or a 4xx/5xx status. */
  failures: number;
  /** HdrHistogram compressed base64, µs, as the run's own histograms. */
  histogram: string;
  /** How long this group ran, when shorter than the run (a phase, a user type of some phases only): its req/s is over this time. */
  durationMs?: number;
}

export interface CheckResult {
  name: string;
  passes: number;
  fails: number;
}

/** What virtual users did, by name: the Locust-style table's rows, checks, and the errors their scripts threw. */
export interface BreakdownResult {
  tasks: NamedStatsResult[];
  userTypes: NamedStatsResult[];
  /** By phase of a `phases` executor, in order; empty otherwise. */
  phases: NamedStatsResult[];
  checks: CheckResult[];
  /** Errors thrown by task code, by message. */
  exceptions: { message: string; count: number }[];
  /** What scripts tallied with ctx.count, by name (events that are neither a request nor a check: a protocol violation's reason, a cache hit, ...). */
  counters: { name: string; count: number }[];
}

class NamedStats {
  requests = 0;
  failures = 0;
  readonly histogram: Histogram = createHistogram();

  record(latencyUs: number, failed: boolean): void {
    this.requests++;
    if (failed) this.failures++;
    recordUs(this.histogram, latencyUs);
  }

  result(name: string, durationMs?: number): NamedStatsResult {
    return {
      name,
      requests: this.requests,
      failures: this.failures,
      histogram: encodeHistogram(this.histogram),
      ...(durationMs !== undefined ? { durationMs } : {}),
    };
  }
}

function statsOf(map: Map<string, NamedStats>, name: string): NamedStats {
  let stats = map.get(name);
  if (!stats) map.set(name, (stats = new NamedStats()));
  return stats;
}

/** Messages (or counter names) kept per run: a script that throws a new message every time must not grow the result without bound. */
const MAX_NAMES = 100;

/** Adds `by` to `name`'s tally; past MAX_NAMES names, new ones are tallied together under `others`. */
function tally(map: Map<string, number>, name: string, by: number, others: string): void {
  const key = map.has(name) || map.size < MAX_NAMES ? name : others;
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Records each virtual user's request under its task, its user type and its phase, plus checks and script errors. */
export class Breakdown {
  private readonly tasks = new Map<string, NamedStats>();
  private readonly userTypes = new Map<string, NamedStats>();
  private readonly phases: NamedStats[];
  private readonly checks = new Map<string, CheckResult>();
  private readonly exceptions = new Map<string, number>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly phaseNames: readonly string[]) {
    this.phases = phaseNames.map(() => new NamedStats());
  }

  record(task: string, userType: string, phase: number, latencyUs: number, failed: boolean): void {
    statsOf(this.tasks, task).record(latencyUs, failed);
    statsOf(this.userTypes, userType).record(latencyUs, failed);
    this.phases[phase]?.record(latencyUs, failed);
  }

  check(name: string, passed: boolean): void {
    let check = this.checks.get(name);
    if (!check) this.checks.set(name, (check = { name, passes: 0, fails: 0 }));
    if (passed) check.passes++;
    else check.fails++;
  }

  exception(message: string): void {
    tally(this.exceptions, message, 1, '(other messages)');
  }

  count(name: string, by: number): void {
    tally(this.counters, name, by, '(other names)');
  }

  /** `times`: how long each phase and each user type (by name) ran, for executors with phases. */
  result(times?: { phases: readonly number[]; userTypes: ReadonlyMap<string, number> }): BreakdownResult {
    const named = (map: Map<string, NamedStats>, timesMs?: ReadonlyMap<string, number>): NamedStatsResult[] =>
      [...map].map(([name, stats]) => stats.result(name, timesMs?.get(name)));
    return {
      tasks: named(this.tasks),
      userTypes: named(this.userTypes, times?.userTypes),
      phases: this.phases.map((stats, index) => stats.result(this.phaseNames[index]!, times?.phases[index])),
      checks: [...this.checks.values()].map((check) => ({ ...check })),
      exceptions: [...this.exceptions].map(([message, count]) => ({ message, count })),
      counters: [...this.counters].map(([name, count]) => ({ name, count })),
    };
  }
}
