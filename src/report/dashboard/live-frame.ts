import type { ErrorCause } from '../../metrics/causes.js';
import { encodedPercentilesMs } from '../../metrics/histogram.js';
import type { ThresholdWatch } from '../../thresholds/watch.js';
import type { ProgressFrame } from '../progress.js';
import type { Control } from './steering.js';

/** One second as the dashboard page draws it: the progress frame, with what only the page shows. */
export interface LiveFrame {
  /** Seconds since time zero at the end of this second. */
  elapsedSeconds: number;
  durationMs: number;
  /** The rate asked for in this second (null: max throughput or virtual users). */
  targetPerSec: number | null;
  sent: number;
  completed: number;
  failed: number;
  dropped: number;
  /** Corrected latency (from the intended send time) of this second's answers. */
  latencyMs: Percentiles;
  /** From the actual send time: the target's own pace, without the generator's queueing (null when the run did not record it live). */
  uncorrectedMs: Percentiles | null;
  /** This second's failures by cause, and the run's so far. */
  errors: Partial<Record<ErrorCause, number>>;
  errorsTotal: Partial<Record<ErrorCause, number>>;
  inFlight: number;
  /** Connections, virtual users or a held throughput's concurrency, as set now (null while the plan's stages set it). */
  concurrency: number | null;
  /** Virtual users running as the second closed, by user type (closed-model runs; null otherwise). */
  users: Record<string, number> | null;
  cpuPercent: number;
  /** How far behind its schedule the generator was at worst in this second, and what held it back. */
  behindMs: number;
  behindLimit: string | null;
  /** A held throughput: its setpoint and the concurrency its controller chose. */
  dial: { setpointPerSec: number; concurrency: number } | null;
  thresholds: { expression: string; passed: boolean | null; actual: number | null }[];
  warmup: boolean;
}

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** Once a second, decoded for the page: the second's p90 is in no summary of it. */
function percentilesOf(encoded: string): Percentiles {
  const [p50, p90, p99] = encodedPercentilesMs(encoded, [50, 90, 99]);
  return { p50: p50!, p90: p90!, p99: p99! };
}

/** What the page needs of a progress frame, with the controls' values now and the thresholds judged on the second. */
export function liveFrameOf(frame: ProgressFrame, controls: Partial<Record<Control, number | null>>, thresholds: ThresholdWatch): LiveFrame {
  const { last } = frame;
  // The run's own word (a ramp's stage, a rate or setpoint changed from the page) rather than the controls' last values.
  const targetPerSec = frame.dial?.setpointPerSec ?? (typeof frame.targetRate === 'number' ? frame.targetRate : null);
  return {
    elapsedSeconds: frame.elapsedSeconds,
    durationMs: frame.durationMs,
    targetPerSec,
    sent: last.sent,
    completed: last.completed,
    failed: last.failed,
    dropped: last.dropped,
    latencyMs: percentilesOf(last.histogram),
    uncorrectedMs: last.uncorrectedHistogram === undefined ? null : percentilesOf(last.uncorrectedHistogram),
    errors: last.errors,
    errorsTotal: frame.errors,
    inFlight: frame.inFlight,
    concurrency: frame.dial?.concurrency ?? controls.concurrency ?? null,
    users: last.users ?? null,
    cpuPercent: Math.round(frame.cpuPercent * 10) / 10,
    behindMs: last.behind?.ms ?? 0,
    behindLimit: last.behind?.limit ?? null,
    dial: frame.dial ?? null,
    thresholds: thresholds.secondStatus(last).map(({ expression, outcome }) => ({
      expression,
      passed: outcome?.passed ?? null,
      actual: outcome?.actual ?? null,
    })),
    warmup: last.warmup === true,
  };
}
