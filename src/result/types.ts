import type { ErrorCause } from '../metrics/causes.js';
import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import type { PercentilesMs } from '../metrics/histogram.js';
import type { DropReason, SecondSample } from '../metrics/recorder.js';
import type { Plan } from '../plan/schema.js';

export const RESULT_SCHEMA = 'salvo.result/v1';

export interface Summary {
  requests: {
    sent: number;
    /** Answered with a status below 400. */
    completed: number;
    /** Ended in an error, a 4xx/5xx status included (see `errors`). */
    failed: number;
    /** Due but never sent (see `droppedBy`). */
    dropped: number;
    droppedBy: Record<DropReason, number>;
    /** Sent but still unanswered when the run was cut short. */
    interrupted: number;
  };
  rate: {
    /** The requested rate; null in max-throughput mode. */
    target: number | null;
    /** Completed requests per second of measured time. */
    achieved: number;
    sent: number;
  };
  latencyMs: { corrected: PercentilesMs; uncorrected: PercentilesMs };
  scheduleLagMs: { p50: number; p99: number; max: number };
  errors: Partial<Record<ErrorCause, number>>;
  statusCodes: Record<string, number>;
  generator: GeneratorHealth & { saturated: boolean };
  warnings: string[];
}

/** A finished run as plain data: what every reporter, merge and comparison reads. */
export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  tool: { name: 'salvo'; version: string; node: string };
  plan: Plan;
  startedAt: string;
  endedAt: string;
  /** From time zero to the last answer, the denominator of every rate. */
  durationMs: number;
  interrupted: boolean;
  /** Why the run ended early: a signal name, 'stopped' (code) or 'watchdog'. */
  interruptReason?: string;
  summary: Summary;
  series: SecondSample[];
  /** HdrHistogram compressed base64, µs: lossless, so results merge without averaging percentiles. */
  histograms: { corrected: string; uncorrected: string; scheduleLag: string };
}
