import type { Shard } from '../plan/shard.js';
import type { StartAt } from '../time/start-at.js';
import type { ControlResult } from '../control/control-loop.js';
import type { BreakdownResult } from '../metrics/breakdown.js';
import type { TargetCounts } from '../protocols/spread-transport.js';
import type { ErrorCause } from '../metrics/causes.js';
import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import type { PercentilesMs } from '../metrics/histogram.js';
import type { SlowdownStats } from '../metrics/slowdown.js';
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
  /**
   * End-to-end slowdown: each answer's corrected latency ÷ the service time it carried (Server-Timing's
   * dur, or gRPC's server-timing trailer), a ratio. Absent when no answer carried a service time.
   */
  slowdown?: SlowdownStats;
  /** The service times those answers carried; absent with `slowdown`. */
  serviceTimeMs?: { p50: number; p99: number; mean: number };
  errors: Partial<Record<ErrorCause, number>>;
  statusCodes: Record<string, number>;
  generator: GeneratorHealth & { saturated: boolean };
  warnings: string[];
  /** What held the run back, when something did (src/result/diagnosis.ts). */
  bottleneck?: Bottleneck;
}

/** The limit a run ran into, what showed it, and what would lift it. */
export interface Bottleneck {
  limit: 'generator' | 'connections' | 'target' | 'network';
  evidence: string;
  remedy: string;
}

/** One threshold (SLO) of the plan, judged on the whole run or, for abort-on-fail ones, on the second that failed it. */
export interface ThresholdResult {
  expression: string;
  passed: boolean;
  /** The measured value, in `unit`. */
  actual: number;
  unit: 'ms' | '%' | 'count' | 'req/s';
  /** The second (0-based) whose failure this is; absent when judged on the whole run. */
  second?: number;
  /** Set on the abort-on-fail threshold whose failure ended the run early. */
  abortedRun?: boolean;
}

/** One of the runs a merged result was made from: its own time span and generator health. */
export interface RunSource {
  /** The input's run id (absent in results written before ids were kept). */
  runId?: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  generator: Summary['generator'];
  /** The shard this input ran (from its plan), when it was one. */
  shard?: Shard;
  /** The worker thread this input was, when it was one (`--workers`): 1-based of the run's count. */
  worker?: Shard;
  /** Its own schedule lag, to tell which generator fell behind (absent in results written before it was kept). */
  scheduleLagMs?: Summary['scheduleLagMs'];
  startAt?: StartAt;
}

/** HdrHistogram compressed base64, µs: lossless, so results merge without averaging percentiles. */
export interface EncodedHistograms {
  corrected: string;
  uncorrected: string;
  scheduleLag: string;
  /** Slowdowns in thousandths (SLOWDOWN_SCALE), present when some answer carried a service time. */
  slowdown?: string;
  /** The service times, µs, present with `slowdown`. */
  serviceTime?: string;
}

/** A finished run as plain data: what every reporter, merge and comparison reads. */
export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  tool: { name: 'salvo'; version: string; node: string };
  plan: Plan;
  /**
   * Unique to each run (and to each merge): \`salvo merge\` refuses to take one run twice. Shards of one
   * run are separate runs, told apart by their shard index. Absent in results written before it was kept.
   */
  runId?: string;
  startedAt: string;
  endedAt: string;
  /** From time zero to the last answer, the denominator of every rate. */
  durationMs: number;
  interrupted: boolean;
  /** Why the run ended early: a signal name, 'stopped' (by code) or 'threshold'. */
  interruptReason?: string;
  /** Every request due after the warm-up (all of them without one): what thresholds judge. */
  summary: Summary;
  /**
   * Set when the plan has a warm-up (`warmupMs`): the requests due within it, sent as scheduled but
   * left out of `summary` and thresholds; its rates are over the warm-up's time.
   */
  warmup?: Summary;
  /** The plan's thresholds, judged; absent when it had none or the run was cut short by a signal or by code. */
  thresholds?: ThresholdResult[];
  series: SecondSample[];
  /** The summary's histograms, and the warm-up's beside them when there was one. */
  histograms: EncodedHistograms & { warmup?: EncodedHistograms };
  /** A plan with scenarios: each one's own summary (the plan's own executor is "main"); the summary above is their sum. */
  scenarios?: { name: string; summary: Summary }[];
  /** Virtual-user runs: requests by task, user type and phase, checks, counters and script errors. */
  breakdown?: BreakdownResult;
  /** A held throughput (constant-throughput): the controller's trace, when it settled, whether the setpoint was out of reach. */
  control?: ControlResult;
  /**
   * A run over several targets (`target.urls`): the seed of the draws that chose each request's target,
   * and each target's counts over the whole run, warm-up included.
   */
  targets?: TargetSpread;
  /** The target's own statistics read after the run, when its scenario knows how (a salvo emulator's GET /: cycles per application). */
  targetStatistics?: Record<string, number>;
  /** Set by `salvo merge`: every input run, in order (the summary's generator is the worst of them). */
  sources?: RunSource[];
  /** Set by `run --start-at`: the instant asked for and how far time zero missed it. */
  startAt?: StartAt;
  /**
   * Set by `salvo merge` of a complete set of shards: how many it joined and how far apart they started;
   * when every shard was given its start (--start-at, a coordinator), how late the latest started.
   */
  shards?: { count: number; startSpreadMs: number; maxSkewMs?: number };
  /**
   * Set by a run on worker threads: how many; how busy the main thread was while they ran (joining
   * their seconds, progress, thresholds; % of a core); and how long merging their results took at the end.
   */
  workers?: { count: number; mainBusyPercent: number; mergeMs: number };
  /**
   * Set when part of the load's generators died: one line for each, naming it. What they measured up
   * to their last report is kept; what they would have sent after is missing.
   */
  partial?: string[];
  /** Changes made to the load while it ran (from the live dashboard), in order; absent when nothing was changed. */
  events?: RunEvent[];
}

/** What a change while the run went on set: the arrival rate, the connections or virtual users, a held throughput's setpoint, or the run's end. */
export const RUN_EVENT_KINDS = ['rate', 'concurrency', 'setpoint', 'stop'] as const;
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

/** One change made to a running load: when (ms since time zero), what, and its value before and after (null for stop). */
export interface RunEvent {
  tMs: number;
  what: RunEventKind;
  from: number | null;
  to: number | null;
}

/** How a run's requests were spread over its targets; merged runs drop the seed unless they all shared it. */
export interface TargetSpread {
  seed?: number;
  counts: TargetCounts[];
}
