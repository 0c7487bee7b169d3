import { SalvoError } from '../../errors.js';
import { holdsThroughput, isVuExecutor, targetRatePerSec } from '../../plan/executors/index.js';
import { MAX_RATE_PER_SEC } from '../../plan/executors/fields.js';
import type { Plan } from '../../plan/schema.js';
import { connectionsOf } from '../../plan/shard.js';
import type { RunEvent, RunEventKind, RunResult } from '../../result/types.js';
import type { RunHandle } from '../../runner/handle.js';

/** What a page steers: a run, or the shards of a coordinated run as one. */
export type SteerableRun = Pick<RunHandle, 'setRate' | 'setConcurrency' | 'stop'>;

/** The values a page may set while the run goes on. */
export type Control = Exclude<RunEventKind, 'stop'>;

/** A control request that cannot be carried out, said in one line for the one who sent it (the page answers it with a 400). */
export class SteeringError extends SalvoError {
  override name = 'SteeringError';
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

const RATE_EXECUTORS: readonly string[] = ['constant-arrival-rate', 'poisson-arrival-rate', 'bucket-rate', 'ramping-arrival-rate'];
/** More connections or users than a generator could open: a typo, refused before it reaches the run. */
const MAX_CONCURRENCY = 1_000_000;

/** Why a value does not fit a control, or undefined when it does. */
function problemOf(control: Control, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${control} must be a number, got ${JSON.stringify(value) ?? 'nothing'}`;
  if (control === 'concurrency')
    return Number.isInteger(value) && value >= 1 && value <= MAX_CONCURRENCY
      ? undefined
      : `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${value}`;
  return value > 0 && value <= MAX_RATE_PER_SEC ? undefined : `${control} must be above 0 and at most ${MAX_RATE_PER_SEC} per second, got ${value}`;
}

/**
 * Changes a running load through its `RunHandle`, checked first so that a bad value is an answer, not a
 * crash, and records each change for the result's `events`. Which controls apply follows the executor:
 * a rate for an arrival rate, a setpoint for a held throughput (constant-throughput, whose controller
 * turns the concurrency itself), connections or virtual users for the others.
 */
export class Steering {
  /** Each applicable control's value now; null while the plan's own schedule sets it (a ramp, a users' stage). */
  private readonly values = new Map<Control, number | null>();
  private readonly changes: { epochMs: number; what: RunEventKind; from: number | null; to: number | null }[] = [];
  private stopped = false;
  private handle: SteerableRun | undefined;

  /** `stopOnly`: the run's load is not the page's to change (a study's cell runs as its grid says). */
  constructor(
    plan: Plan,
    private readonly nowEpochMs: () => number = Date.now,
    { stopOnly = false } = {},
  ) {
    if (plan.scenarios || stopOnly) return; // several loads side by side: only stopping the whole is one clear act
    const { executor } = plan;
    if (holdsThroughput(executor)) {
      this.values.set('setpoint', executor.setpointPerSec);
      return;
    }
    // The whole plan's rate, as `setRate` takes it (a shard sends its share of it), and connections
    // as `setConcurrency` takes them: this run's own.
    if (RATE_EXECUTORS.includes(executor.type)) this.values.set('rate', executor.type === 'ramping-arrival-rate' ? null : targetRatePerSec(executor));
    this.values.set('concurrency', isVuExecutor(executor) ? null : connectionsOf(plan));
  }

  /** The run to steer, once it has started (the page may be open before). */
  attach(handle: SteerableRun): void {
    this.handle = handle;
  }

  /** The controls this run takes and their values now. */
  controls(): Partial<Record<Control, number | null>> {
    return Object.fromEntries(this.values);
  }

  /** Sets a control; a SteeringError says why it could not be set (the run goes on unchanged). */
  set(control: Control, value: unknown): void {
    if (this.stopped) throw new SteeringError('the run has ended');
    if (this.handle === undefined) throw new SteeringError('the run has not started yet');
    if (!this.values.has(control)) throw new SteeringError(`this run takes no ${control}: it takes ${[...this.values.keys(), 'stop'].join(', ')}`);
    const problem = problemOf(control, value);
    if (problem !== undefined) throw new SteeringError(problem);
    const to = value as number;
    try {
      if (control === 'concurrency') this.handle.setConcurrency(to);
      else this.handle.setRate(to);
    } catch (error) {
      // The handle's own refusal (too few connections for the workers, say): the run is unchanged.
      throw new SteeringError((error as Error).message);
    }
    this.record(control, this.values.get(control) ?? null, to);
    this.values.set(control, to);
  }

  stop(): void {
    if (this.handle === undefined) throw new SteeringError('the run has not started yet');
    if (this.stopped) return;
    this.stopped = true;
    this.record('stop', null, null);
    this.handle.stop('dashboard');
  }

  /** The result with the changes made to it, timed from its time zero; unchanged when there were none. */
  withEvents(result: RunResult): RunResult {
    return this.changes.length === 0 ? result : { ...result, events: this.eventsSince(Date.parse(result.startedAt)) };
  }

  /** The changes so far, timed from `startEpochMs`, for the page's charts. */
  eventsSince(startEpochMs: number): RunEvent[] {
    return this.changes.map(({ epochMs, what, from, to }) => ({ tMs: Math.max(0, epochMs - startEpochMs), what, from, to }));
  }

  private record(what: RunEventKind, from: number | null, to: number | null): void {
    this.changes.push({ epochMs: this.nowEpochMs(), what, from, to });
  }
}
