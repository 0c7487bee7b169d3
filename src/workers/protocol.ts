import type { SecondSample } from '../metrics/recorder.js';
import type { JitMode } from '../plan/run-options.js';
import type { Plan } from '../plan/schema.js';
import type { RunCheckpoint } from '../result/from-recorder.js';
import type { RunResult } from '../result/types.js';

/**
 * The messages between the main thread and its worker threads. A worker speaks once a second (its
 * closed second and a checkpoint) and once at the end (its result), never once per request, so the
 * main thread's work does not grow with the rate.
 */

/** `workerData`: the worker's share of the plan, a finer shard of it with no thresholds (the main thread judges those). */
export interface WorkerSetup {
  plan: Plan;
  jit?: JitMode;
  liveUncorrected?: boolean;
}

export type ToWorker =
  /** Time zero, epoch ms, the same for every worker. */
  | { type: 'start'; atMs: number }
  | { type: 'stop'; reason: string }
  /** The whole plan's rate: each worker keeps its share of the schedule at that rate. */
  | { type: 'rate'; ratePerSec: number }
  /** This worker's own share of the connections. */
  | { type: 'concurrency'; connections: number };

export type FromWorker =
  /** Its modules are loaded: time zero can be set. */
  | { type: 'loaded' }
  | { type: 'second'; sample: SecondSample; checkpoint: RunCheckpoint }
  | { type: 'result'; result: RunResult }
  /** The run could not start (a body file that cannot be read, say), in one line. */
  | { type: 'failed'; message: string };
