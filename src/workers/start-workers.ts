import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { composeShares, connectionsOf, shardLabel, splitEvenly, targetRateNow, type Shard } from '../plan/shard.js';
import { Recorder, type SecondSample } from '../metrics/recorder.js';
import { holdsThroughput, targetRatePerSec } from '../plan/executors/index.js';
import { MAIN_SCENARIO, type Plan } from '../plan/schema.js';
import { formatMs } from '../units/format.js';
import { resultFromRecorder, stateOfCheckpoint, stateOfResult, type RecordedState, type RunCheckpoint } from '../result/from-recorder.js';
import { mergeResults } from '../result/merge.js';
import type { RunResult } from '../result/types.js';
import { probeTarget, resolveTarget } from '../runner/resolve-target.js';
import type { MeasuredPart, RunHandle, RunOptions } from '../runner/run.js';
import { SetupError } from '../runner/setup-error.js';
import { ThresholdWatch } from '../thresholds/watch.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { SecondsJoiner } from './seconds-joiner.js';

export interface WorkersOptions extends Pick<RunOptions, 'probe' | 'onSecond' | 'jit' | 'liveUncorrected'> {
  /** How many worker threads; 'auto' is as many as the cores this process may use. */
  workers: number | 'auto';
  /** Each thread's entry module: ./worker-thread.js, or a module that imports it to wrap it (the tests' dying worker). */
  workerScript?: URL;
  /**
   * Time zero, epoch ms (`--start-at`, a coordinator's instant): the threads load first and start
   * then, so their loading does not make the run late. Without it, as soon as they are loaded.
   */
  startAtMs?: number;
}

const WORKER_SCRIPT = new URL('./worker-thread.js', import.meta.url);

/** 'auto' → the cores available to this process (os.availableParallelism, which honours CPU affinity). */
export function workerCount(workers: number | 'auto'): number {
  return workers === 'auto' ? availableParallelism() : workers;
}

/** Time from "every worker is loaded" to time zero: enough for the start message to reach them all. */
const START_LEAD_MS = 20;
/** How long past its planned end (duration + grace) a worker may take before it is ended as hung. */
const OVERRUN_MS = 5000;

interface WorkerState {
  thread: Worker;
  share: Shard;
  plan: Plan;
  loaded: boolean;
  samples: SecondSample[];
  checkpoint?: RunCheckpoint;
  /** The uncaught error that ends it, told before its exit. */
  error?: string;
  result?: RunResult;
  /** Why it died, when it did: it sent no result. */
  death?: string;
}

/**
 * Runs a plan on worker threads, each a share of it as `--shard` splits a plan (worker i of N sends
 * every N-th request of the one global schedule; inside a shard, every N-th of the shard's). The main
 * thread joins their seconds for `onSecond` and the plan's thresholds, and their results into one.
 */
export async function startWorkers(plan: Plan, options: WorkersOptions): Promise<RunHandle> {
  const count = workerCount(options.workers);
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`workers must be a whole number ≥ 1 or 'auto', got ${options.workers}`);
  // Scenarios are not split over threads yet: each would need its own share of every scenario.
  if (plan.scenarios) throw new SetupError('--workers does not run a plan with scenarios yet: run it in one thread');
  if (holdsThroughput(plan.executor))
    throw new SetupError(`--workers does not run a held throughput (${plan.executor.type}): it is one control loop, run it in one thread`);
  if (connectionsOf(plan) < count) {
    throw new SetupError(`${count} workers need at least ${count} connections to share, the ${plan.shard ? 'shard' : 'plan'} has ${connectionsOf(plan)}`);
  }
  // Once here, so that a missing target fails the run in one line before any thread starts.
  const target = await resolveTarget(plan.target);
  if (options.probe) await probeTarget(target.address, target.port);

  const mainLoop = performance.eventLoopUtilization();
  const thresholds = new ThresholdWatch(plan);
  const { run: _run, ...load } = plan;
  let live = true;
  let stopReason: string | undefined;
  let resolveResult: (result: RunResult) => void = () => {};
  const result = new Promise<RunResult>((resolve) => (resolveResult = resolve));

  const joiner = new SecondsJoiner(count, (sample) => {
    if (!live) return;
    options.onSecond?.(sample);
    if (thresholds.failsSecond(sample)) stop('threshold');
  });

  const workers: WorkerState[] = Array.from({ length: count }, (_, index) => {
    const share = { index: index + 1, count };
    const setup: WorkerSetup = {
      plan: { ...load, thresholds: [], shard: composeShares(plan.shard, share) },
      jit: options.jit,
      ...(options.liveUncorrected ? { liveUncorrected: true } : {}),
    };
    return { thread: new Worker(options.workerScript ?? WORKER_SCRIPT, { workerData: setup }), share, plan: setup.plan, loaded: false, samples: [] };
  });
  const settled = (worker: WorkerState): boolean => worker.result !== undefined || worker.death !== undefined;
  const post = (message: ToWorker | ((worker: WorkerState) => ToWorker)): void => {
    for (const worker of workers) if (!settled(worker)) worker.thread.postMessage(typeof message === 'function' ? message(worker) : message);
  };

  let startAtMs: number | undefined;
  /** One time zero for all, once every worker has loaded (or died trying). */
  const startWhenLoaded = (): void => {
    if (startAtMs !== undefined || !workers.every((worker) => worker.loaded || worker.death !== undefined)) return;
    startAtMs = Math.max(Date.now() + START_LEAD_MS, options.startAtMs ?? 0);
    post({ type: 'start', atMs: startAtMs });
  };
  const overrun = setTimeout(
    () => endHung(`did not finish within ${formatMs(plan.executor.durationMs + plan.gracefulStopMs + OVERRUN_MS)} of the start`),
    Math.max(0, (options.startAtMs ?? 0) - Date.now()) + plan.executor.durationMs + plan.gracefulStopMs + OVERRUN_MS + START_LEAD_MS,
  );
  let stopTimer: NodeJS.Timeout | undefined;

  function endHung(reason: string): void {
    for (const worker of workers) {
      if (settled(worker)) continue;
      worker.death = reason;
      void worker.thread.terminate();
    }
    settle();
  }

  function stop(reason: string): void {
    if (stopReason !== undefined) return;
    stopReason = reason;
    post({ type: 'stop', reason });
    stopTimer = setTimeout(() => endHung(`did not stop within ${formatMs(OVERRUN_MS)} of being told to`), OVERRUN_MS);
  }

  workers.forEach((worker, index) => {
    worker.thread.on('message', (message: FromWorker) => {
      if (message.type === 'loaded') {
        worker.loaded = true;
        startWhenLoaded();
      } else if (message.type === 'second') {
        // Kept for a result should the worker die, which holds no live-only field.
        const { uncorrectedHistogram: _live, ...kept } = message.sample;
        worker.samples.push(kept);
        worker.checkpoint = message.checkpoint;
        joiner.offer(index, message.sample);
      } else if (message.type === 'result') {
        worker.result = message.result;
        // The others close their last seconds at slightly different moments: a joined second from now on would miss some.
        live = false;
        settle();
      } else {
        worker.death = `could not start: ${message.message}`;
        joiner.retire(index);
        settle();
      }
    });
    worker.thread.on('error', (error) => {
      worker.error = error.message.split('\n')[0]!;
    });
    worker.thread.on('exit', (code) => {
      if (settled(worker)) return;
      worker.death = worker.error ?? `exited with code ${code}`;
      joiner.retire(index);
      // A worker that dies before it is loaded must not hold up the start of the others.
      startWhenLoaded();
      settle();
    });
  });

  /** Decoded once per checkpoint or result, however often they are read. */
  const states = new WeakMap<object, RecordedState>();
  let finished = false;
  function settle(): void {
    if (finished || !workers.every(settled)) return;
    finished = true;
    clearTimeout(overrun);
    clearTimeout(stopTimer);
    // The cost of the run itself: joining seconds, progress, thresholds; the merge below is a one-off, timed apart.
    const mainBusyPercent = Math.round(performance.eventLoopUtilization(mainLoop).utilization * 1000) / 10;
    const mergeStartMs = performance.now();
    const results = workers.map((worker) => worker.result ?? lostResult(worker, startAtMs ?? Date.now()));
    const merged = mergeResults(
      results,
      workers.map((worker) => `worker ${shardLabel(worker.share)}`),
      { workersOf: plan },
    );
    const mergeMs = Math.round((performance.now() - mergeStartMs) * 10) / 10;
    const combined: RunResult = { ...merged, workers: { count, mainBusyPercent, mergeMs } };
    const judged = thresholds.results(combined.summary, combined.interrupted ? combined.interruptReason : undefined);
    resolveResult(judged ? { ...combined, thresholds: judged } : combined);
  }

  /** The whole plan's rate as last set, once one has been: every thread takes its share of it from then on. */
  let rateSetPerSec: number | undefined;
  return {
    result,
    setRate: (ratePerSec) => {
      if (!(ratePerSec > 0)) throw new RangeError(`rate must be > 0, got ${ratePerSec}`);
      if (targetRatePerSec(plan.executor) === null) throw new Error('max-throughput has no rate to change; change its concurrency instead');
      post({ type: 'rate', ratePerSec });
      rateSetPerSec = ratePerSec;
    },
    setConcurrency: (connections) => {
      if (!(Number.isInteger(connections) && connections >= count))
        throw new RangeError(`concurrency must be a whole number ≥ ${count} (one per worker), got ${connections}`);
      post((worker) => ({ type: 'concurrency', connections: splitEvenly(connections, worker.share.index - 1, count) }));
    },
    stop: (reason = 'stopped') => stop(reason),
    targetRatePerSec: () => targetRateNow(plan, rateSetPerSec, startAtMs === undefined ? 0 : Math.max(0, Date.now() - startAtMs)),
    inFlight: () => workers.reduce((sum, worker) => sum + (settled(worker) ? 0 : (worker.checkpoint?.inFlight ?? 0)), 0),
    measuredSoFar: () => workers.flatMap((worker) => measuredBy(worker, states)),
  };
}

/** A worker's counts so far: its result once it has one (which counts its last, partial second), else its last checkpoint. */
function measuredBy(worker: WorkerState, states: WeakMap<object, RecordedState>): MeasuredPart[] {
  const source = worker.result ?? worker.checkpoint;
  if (source === undefined) return [];
  let state = states.get(source);
  if (state === undefined) {
    state = worker.result ? stateOfResult(worker.result) : stateOfCheckpoint(worker.checkpoint!);
    states.set(source, state);
  }
  return [{ scenario: MAIN_SCENARIO, state }];
}

/** Runs a plan on worker threads to the end: a plain call, like `run`. */
export async function runWorkers(plan: Plan, options: WorkersOptions): Promise<RunResult> {
  return (await startWorkers(plan, options)).result;
}

/** What a worker that died had measured by its last checkpoint, marked as partial. */
function lostResult(worker: WorkerState, startAtMs: number): RunResult {
  const { checkpoint } = worker;
  const startEpochMs = worker.samples[0]?.startEpochMs ?? startAtMs;
  const elapsedMs = checkpoint?.elapsedMs ?? 0;
  const result = resultFromRecorder({
    plan: worker.plan,
    recorder: checkpoint ? stateOfCheckpoint(checkpoint) : new Recorder(0, startEpochMs, undefined, worker.plan.warmupMs),
    series: worker.samples,
    startEpochMs,
    endEpochMs: startEpochMs + elapsedMs,
    durationMs: elapsedMs,
    // Its own health went with it.
    generator: { cpuPercent: 0, eventLoopDelayMs: { p50: 0, p99: 0, max: 0 } },
    interrupted: checkpoint?.inFlight ?? 0,
  });
  const kept = checkpoint ? `what it measured in its first ${formatMs(elapsedMs)} is kept` : 'it had measured nothing yet';
  return { ...result, partial: [`worker ${shardLabel(worker.share)} died (${worker.death}): ${kept}`] };
}
