import type { ErrorCause } from '../metrics/causes.js';
import type { SecondSample } from '../metrics/recorder.js';
import { longestDurationMs, runsUsers, type Plan } from '../plan/schema.js';
import { targetRateOf } from '../plan/shard.js';
import type { RunHandle } from '../runner/handle.js';
import { cpuMeter } from './progress-cpu.js';
import type { ProgressFrame } from './progress.js';

/**
 * Turns each closed second of a run into the frame every live display shows (the progress printer,
 * the dashboard): built once a second, whoever reads it, so the displays agree.
 */
export class ProgressFrames {
  private readonly errors: Partial<Record<ErrorCause, number>> = {};
  private readonly durationMs: number;
  private readonly targetRate: ProgressFrame['targetRate'];

  /** `cpuPercent`: the generator's CPU % since its previous call (read once a frame). */
  constructor(
    plan: Plan,
    private readonly cpuPercent: () => number = cpuMeter(),
  ) {
    this.durationMs = longestDurationMs(plan);
    this.targetRate = targetRateOf(plan) ?? (runsUsers(plan) ? 'users' : null);
  }

  /** The frame of a run's second, read from the run as the second is announced. */
  ofRun(last: SecondSample, run: Pick<RunHandle, 'inFlight' | 'dial' | 'targetRatePerSec'>): ProgressFrame {
    return this.next(last, { inFlight: run.inFlight(), dial: run.dial?.(), targetRatePerSec: run.targetRatePerSec() });
  }

  /** `now`: the load as the second is announced; without a rate, the plan's. */
  next(last: SecondSample, now: { inFlight: number; dial?: ProgressFrame['dial'] | undefined; targetRatePerSec?: number | null }): ProgressFrame {
    for (const [cause, count] of Object.entries(last.errors) as [ErrorCause, number][]) this.errors[cause] = (this.errors[cause] ?? 0) + count;
    const { inFlight, dial } = now;
    return {
      elapsedSeconds: last.second + 1,
      durationMs: this.durationMs,
      targetRate: now.targetRatePerSec ?? this.targetRate,
      last,
      errors: { ...this.errors },
      inFlight,
      cpuPercent: this.cpuPercent(),
      ...(dial ? { dial } : {}),
    };
  }
}
