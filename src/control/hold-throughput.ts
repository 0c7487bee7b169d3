import { formatIssues } from '../plan/validate.js';
import { holdOptionsSchema, type HoldOptionsInput } from '../plan/hold.js';
import { systemClock, type Clock, type Timer } from '../time/clock.js';
import { ControlLoop, type ControlResult, type ControlTraceEntry } from './control-loop.js';
import { createController } from './create.js';
import { PacedSlots } from './paced-slots.js';

export interface HoldThroughputOptions extends HoldOptionsInput {
  clock?: Clock;
  /** Told of each tick as it closes (a progress display). */
  onTick?: (entry: ControlTraceEntry) => void;
}

export interface HoldThroughputResult {
  control: ControlResult;
  completed: number;
  failed: number;
  /** From the start to the last piece of work done. */
  durationMs: number;
  /** Whether `stop()` ended it before its duration. */
  stopped: boolean;
}

/** A hold in progress. */
export interface HoldThroughputHandle {
  readonly result: Promise<HoldThroughputResult>;
  /** Holds this throughput from now on (the stages, if any, are left). */
  setSetpoint(setpointPerSec: number): void;
  /** Starts no more work; the result comes once the work in flight is done. */
  stop(): void;
}

/**
 * Keeps as many calls of `work` in flight as it takes to complete `setpointPerSec` of them a
 * second, the number turned by a feedback controller (see docs/adaptive-load.md). A call counts
 * as completed when its promise resolves and as failed when it rejects.
 */
export async function holdThroughput(work: () => Promise<unknown>, options: HoldThroughputOptions): Promise<HoldThroughputResult> {
  return startHoldThroughput(work, options).result;
}

export function startHoldThroughput(work: () => Promise<unknown>, options: HoldThroughputOptions): HoldThroughputHandle {
  const { clock = systemClock, onTick, ...fields } = options;
  const parsed = holdOptionsSchema.safeParse(fields);
  if (!parsed.success) throw new RangeError(`holdThroughput: ${formatIssues(parsed.error.issues).join('; ')}`);
  const hold = parsed.data;
  const loop = new ControlLoop(createController(hold), hold);
  const startUs = clock.nowUs();
  let inFlight = 0;
  let completed = 0;
  let failed = 0;
  let ending = false;
  let stopped = false;
  let refill: Timer | undefined;
  const startOne = (): boolean => {
    if (ending) return false;
    inFlight++;
    const sentUs = clock.nowUs();
    let call: Promise<unknown>;
    try {
      call = work();
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      () => settle(sentUs, true),
      () => settle(sentUs, false),
    );
    return true;
  };
  const slots = new PacedSlots(clock, loop.concurrency, startOne);
  let resolveResult: (result: HoldThroughputResult) => void = () => {};
  const result = new Promise<HoldThroughputResult>((resolve) => (resolveResult = resolve));

  const elapsedMs = (): number => (clock.nowUs() - startUs) / 1000;
  const launch = (): void => {
    refill = undefined;
    slots.fill();
  };
  // Refills wait for the next turn of the loop: work that resolves at once must not starve the timers.
  const scheduleRefill = (): void => {
    refill ??= clock.setImmediate(launch);
  };
  const settle = (sentUs: number, ok: boolean): void => {
    inFlight--;
    const requestUs = clock.nowUs() - sentUs;
    slots.ended(requestUs);
    if (ok) {
      completed++;
      loop.window.recordCompleted(requestUs);
    } else {
      failed++;
      loop.window.recordFailed();
    }
    if (!ending) scheduleRefill();
    else if (inFlight === 0) finish();
  };
  const finish = (): void => {
    resolveResult({ control: loop.result(), completed, failed, durationMs: elapsedMs(), stopped });
  };
  const end = (): void => {
    if (ending) return;
    ending = true;
    ticker.cancel();
    refill?.cancel();
    slots.close();
    if (inFlight === 0) finish();
  };
  // Ticks end on the grid of tickMs from the start, so a late one does not push the others back, and
  // the last is stretched to the end: a sliver of a tick holds a few completions (or none), whose
  // throughput would read as wild and be the trace's last word. The tick armed for the end ends the
  // hold even if its timer fires a little early.
  let lastTick = false;
  const schedule = (tMs: number): Timer => {
    // Rounded to the nearest point of the grid first: a timer may fire a little before its time.
    const next = (Math.round(tMs / hold.tickMs) + 1) * hold.tickMs;
    lastTick = hold.durationMs - next < hold.tickMs / 2;
    return clock.setTimer(tick, (lastTick ? hold.durationMs : next) - tMs);
  };
  const tick = (): void => {
    const tMs = elapsedMs();
    const concurrency = loop.tick(tMs);
    onTick?.(loop.latest()!);
    if (lastTick || tMs >= hold.durationMs) {
      end();
      return;
    }
    ticker = schedule(tMs);
    slots.setConcurrency(concurrency);
  };
  let ticker = schedule(0);
  launch();

  return {
    result,
    setSetpoint: (setpointPerSec) => {
      if (!(setpointPerSec > 0)) throw new RangeError(`setpoint must be greater than 0, got ${setpointPerSec}`);
      loop.setSetpoint(setpointPerSec);
    },
    stop: () => {
      stopped = !ending;
      end();
    },
  };
}
