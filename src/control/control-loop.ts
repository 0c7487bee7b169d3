import type { ConcurrencyController, ControllerKind } from './controller.js';
import { SetpointSchedule, type SetpointStage } from './setpoints.js';
import { settledAtMs } from './settling.js';
import { TickWindow } from './tick-window.js';

/** One tick of a held throughput, as the result and the report show it. */
export interface ControlTraceEntry {
  /** Since the start of the load, at the end of the tick. */
  tMs: number;
  setpointPerSec: number;
  measuredPerSec: number;
  /** Requests to keep in flight from this tick on. */
  concurrency: number;
  p50Ms: number;
  p99Ms: number;
  /** Failed requests in the tick. */
  errors: number;
  /** The controller has been held at its limit, short of the setpoint, for UNREACHABLE_AFTER_MS. */
  unreachable: boolean;
}

/** A held throughput's result field. */
export interface ControlResult {
  controller: ControllerKind;
  /** The setpoint the load started with (the trace has every later one). */
  setpointPerSec: number;
  trace: ControlTraceEntry[];
  /** When the throughput came within ±SETTLE_TOLERANCE of the last setpoint and stayed there; null if it never did. */
  settledAtMs: number | null;
  /** Whether the setpoint was out of reach at some time of the load (see the trace for when). */
  unreachable: boolean;
}

/** How long a controller must be held at its limit before the setpoint is called out of reach. */
export const UNREACHABLE_AFTER_MS = 2000;

export interface ControlLoopOptions {
  setpointPerSec: number;
  stages?: readonly SetpointStage[];
  /** What the dial can really be set to (whole virtual users): the trace records that, not the controller's float. */
  actuator?: (concurrency: number) => number;
}

/**
 * The loop around a controller, the same for a run's executor and for `holdThroughput`: it is fed
 * each exchange as it ends and ticked by its owner's timer, and keeps the trace.
 */
export class ControlLoop {
  readonly window = new TickWindow();
  private readonly setpoints: SetpointSchedule;
  private readonly trace: ControlTraceEntry[] = [];
  private lastTickMs = 0;
  private heldSinceMs: number | undefined;
  private everUnreachable = false;

  constructor(
    private readonly controller: ConcurrencyController,
    private readonly options: ControlLoopOptions,
  ) {
    this.setpoints = new SetpointSchedule(options.setpointPerSec, options.stages);
  }

  /** The concurrency to start with. */
  get concurrency(): number {
    return this.actuate(this.controller.concurrency);
  }

  private actuate(concurrency: number): number {
    return this.options.actuator ? this.options.actuator(concurrency) : concurrency;
  }

  setSetpoint(setpointPerSec: number): void {
    this.setpoints.set(setpointPerSec);
  }

  /** Closes the tick that ends at `tMs` (since the start of the load); returns the concurrency to hold now. */
  tick(tMs: number): number {
    const dtMs = tMs - this.lastTickMs;
    if (dtMs <= 0) return this.concurrency;
    this.lastTickMs = tMs;
    const measurement = this.window.take();
    const measuredPerSec = (measurement.completed * 1000) / dtMs;
    const setpointPerSec = this.setpoints.at(tMs);
    const latency = measurement.completed > 0 ? { meanMs: measurement.meanMs } : undefined;
    const concurrency = this.actuate(this.controller.update(measuredPerSec, setpointPerSec, dtMs, latency));
    if (!this.controller.saturated) this.heldSinceMs = undefined;
    else this.heldSinceMs ??= tMs - dtMs;
    const unreachable = this.heldSinceMs !== undefined && tMs - this.heldSinceMs >= UNREACHABLE_AFTER_MS;
    this.everUnreachable ||= unreachable;
    this.trace.push({
      tMs,
      setpointPerSec,
      measuredPerSec,
      concurrency,
      p50Ms: measurement.p50Ms,
      p99Ms: measurement.p99Ms,
      errors: measurement.failed,
      unreachable,
    });
    return concurrency;
  }

  /** The last tick, for progress lines. */
  latest(): ControlTraceEntry | undefined {
    return this.trace.at(-1);
  }

  result(): ControlResult {
    return {
      controller: this.controller.kind,
      setpointPerSec: this.options.setpointPerSec,
      trace: this.trace,
      settledAtMs: settledAtMs(this.trace),
      unreachable: this.everUnreachable,
    };
  }
}
