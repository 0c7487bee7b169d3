import type { ExchangeTap, RunningExecutor } from '../executors/index.js';
import type { ErrorCause } from '../metrics/causes.js';
import { GeneratorMonitor } from '../metrics/generator-monitor.js';
import { Recorder, type SecondSample } from '../metrics/recorder.js';
import { MAIN_SCENARIO, type Plan } from '../plan/schema.js';
import { connectionsOf, targetRateNow } from '../plan/shard.js';
import type { Connections, ExchangeListener, Transport } from '../protocols/transport.js';
import { checkpointOf, resultFromRecorder } from '../result/from-recorder.js';
import type { RunResult } from '../result/types.js';
import { ThresholdWatch } from '../thresholds/watch.js';
import { systemClock, type Clock, type Timer } from '../time/clock.js';
import type { LocalRunHandle, RunHandle, RunOptions } from './handle.js';
import { JitGovernor, jitFor } from './jit.js';
import { timeZeroOf, type TimeZero } from './time-zero.js';
import { connectTargets } from './spread-targets.js';
import { runtimeOf } from './runtimes.js';
import { startScenarios } from './scenarios.js';

export type { RunOptions, ExchangeObserver, RunHandle, LocalRunHandle, MeasuredPart } from './handle.js';

/** How often seconds are closed and timeouts looked for, and so the grain of `timeout`. */
const HOUSEKEEPING_MS = 20;

/** Runs a plan: resolves and starts it, returning once the load is under way. */
export async function startRun(plan: Plan, options: RunOptions = {}): Promise<RunHandle> {
  // Started from the whole plan: scenarios share the process, and so its compilers. A paced plan
  // under `auto` stays `auto`, so that each of its loads may still switch TurboFan on.
  const mode = options.jit ?? 'auto';
  const settled = { ...options, jit: mode === 'auto' && jitFor(plan) === 'steady' ? mode : jitFor(plan, mode) };
  if (plan.scenarios && Object.keys(plan.scenarios).length > 0) return startScenarios(plan, settled, startLoad);
  return startLoad(plan, settled);
}

/**
 * Opens the connections the load may use before its time zero, where its transport opens them one per
 * request otherwise. A target slow to accept holds the start up no longer than a request's timeout;
 * what has not connected by then connects as the load goes.
 */
async function connectAhead(connections: Connections, count: number, timeoutMs: number, clock: Clock): Promise<void> {
  const opening = (connections as Partial<Transport>).openAhead?.(count);
  if (opening === undefined) return;
  let timer: Timer | undefined;
  await Promise.race([opening, new Promise<void>((resolve) => (timer = clock.setTimer(resolve, timeoutMs)))]);
  timer?.cancel();
}

/** Runs one load (a plan without scenarios): the handle also takes checkpoints, which worker threads send home. */
export async function startLoad(plan: Plan, options: RunOptions = {}, timeZero: TimeZero = timeZeroOf(options)): Promise<LocalRunHandle> {
  const clock = options.clock ?? systemClock;
  const jit = new JitGovernor(plan, options.jit);
  const runtime = runtimeOf(plan.executor);
  const prepared = await runtime.prepare(plan);
  const thresholds = new ThresholdWatch(plan);
  const durationUs = plan.executor.durationMs * 1000;
  const timeoutUs = plan.timeoutMs * 1000;

  // Set at time zero, which comes once the target is resolved, probed and connected: no request falls due during set-up.
  let recorder: Recorder;
  let executor: RunningExecutor | undefined;
  let draining = false;
  let finished = false;
  let housekeeping: Timer | undefined;
  let watchdog: Timer | undefined;
  let watchdogWarning: string | undefined;
  let resolveResult: (result: RunResult) => void = () => {};
  const result = new Promise<RunResult>((resolve) => (resolveResult = resolve));

  const observer = options.onExchange;
  let tap: ExchangeTap | undefined;
  const listener: ExchangeListener = {
    onSent: (intendedUs, sentUs) => recorder.recordSent(sentUs, intendedUs),
    onResponse: (intendedUs, sentUs, doneUs, status, serviceUs) => {
      recorder.recordResponse(intendedUs, sentUs, doneUs, status, serviceUs);
      observer?.onResponse(intendedUs, sentUs, doneUs, status, serviceUs);
      tap?.onResponse(intendedUs, sentUs, doneUs, status, serviceUs);
    },
    onFailure: (intendedUs, sentUs, doneUs, cause: ErrorCause) => {
      recorder.recordFailure(intendedUs, doneUs, cause);
      observer?.onFailure(intendedUs, sentUs, doneUs, cause);
      tap?.onFailure(intendedUs, sentUs, doneUs, cause);
    },
    onSlotFree: () => {
      executor?.onSlotFree();
      if (draining) finishIfDrained();
    },
  };
  const { connections: transport, spread } = await connectTargets(plan, options.probe, runtime.connect, { clock, listener });
  try {
    await connectAhead(transport, connectionsOf(plan), plan.timeoutMs, clock);
    await timeZero();
  } catch (error) {
    transport.close();
    throw error;
  }

  const monitor = new GeneratorMonitor();
  const startUs = clock.nowUs();
  const startEpochMs = clock.epochMsAt(startUs);
  const onSecond = (sample: SecondSample): void => {
    // Every second is announced, the last, partial one too: a load that ends before the others (a scenario)
    // still counts in its last second live, and the live seconds add up to the result's.
    options.onSecond?.(sample);
    // Deferred: finishing publishes the remaining seconds itself, which must not happen in the middle of this publication.
    if (!finished && thresholds.failsSecond(sample)) clock.setImmediate(() => finish('threshold'));
  };
  recorder = new Recorder(startUs, startEpochMs, onSecond, plan.warmupMs);
  if (options.liveUncorrected) recorder.announceUncorrected();
  executor = runtime.create(plan, prepared, { clock, transport, recorder, startUs, durationUs });
  tap = executor.tap;
  const running = executor;
  if (running.usersByType) recorder.sampleUsersFrom(() => running.usersByType!());

  function finishIfDrained(): void {
    if (executor!.queued() === 0 && transport.inFlight() === 0) finish(undefined);
  }

  function finish(interruptReason: string | undefined): void {
    if (finished) return;
    finished = true;
    housekeeping?.cancel();
    watchdog?.cancel();
    executor!.stop();
    const interrupted = transport.inFlight();
    transport.close();
    const endUs = clock.nowUs();
    const series = recorder.finish(endUs);
    const elapsedUs = endUs - startUs;
    const durationMs = (interruptReason === undefined ? Math.max(durationUs, elapsedUs) : elapsedUs) / 1000;
    const result = resultFromRecorder({
      plan,
      recorder,
      series,
      startEpochMs,
      endEpochMs: clock.epochMsAt(endUs),
      durationMs,
      generator: { ...monitor.stop(), ...jit.health() },
      interrupted,
      ...(interruptReason !== undefined ? { interruptReason } : {}),
    });
    const breakdown = executor!.breakdown?.();
    if (breakdown) result.breakdown = breakdown;
    const control = executor!.controlResult?.();
    if (control) result.control = control;
    if (spread) result.targets = { seed: spread.seed, counts: spread.counts.map((counts) => ({ ...counts })) };
    if (watchdogWarning) result.summary.warnings.push(watchdogWarning);
    const judged = thresholds.results(result.summary, interruptReason);
    resolveResult(judged ? { ...result, thresholds: judged } : result);
  }

  const tidy = (): void => {
    const nowUs = clock.nowUs();
    recorder.closeSecondsBefore(nowUs);
    const pressure = monitor.sample(nowUs, executor?.backlog?.(nowUs));
    recorder.recordPressure(nowUs, pressure);
    jit.onPressure(pressure, (nowUs - startUs) / 1000);
    recorder.publishClosedSeconds();
    transport.expire(nowUs - timeoutUs);
    if (draining) finishIfDrained();
    if (!finished) housekeeping = clock.setTimer(tidy, HOUSEKEEPING_MS);
  };
  housekeeping = clock.setTimer(tidy, HOUSEKEEPING_MS);
  watchdog = clock.setTimer(() => {
    // The target still holds requests past the grace period: they count as timed out.
    draining = false;
    executor!.stop();
    const stuck = transport.inFlight();
    transport.expire(Infinity);
    watchdogWarning = `the watchdog ended the run ${plan.gracefulStopMs} ms after its duration: ${stuck} requests still in flight were counted as timeout`;
    finish(undefined);
  }, plan.executor.durationMs + plan.gracefulStopMs);

  executor.start(() => {
    draining = true;
    finishIfDrained();
  });

  const { targetStatistics } = prepared;
  /** The whole plan's rate as last set, once one has been: it replaces the plan's schedule from then on. */
  let rateSetPerSec: number | undefined;
  return {
    // Read after the load has ended, so the statistics include every event of the run.
    result: targetStatistics ? result.then(async (done) => withTargetStatistics(done, await targetStatistics())) : result,
    setRate: (ratePerSec) => {
      if (!(ratePerSec > 0)) throw new RangeError(`rate must be > 0, got ${ratePerSec}`);
      executor!.setRate(ratePerSec);
      rateSetPerSec = ratePerSec;
    },
    setConcurrency: (connections) => {
      if (!(Number.isInteger(connections) && connections >= 1)) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${connections}`);
      executor!.setConcurrency(connections);
    },
    stop: (reason = 'stopped') => finish(reason),
    inFlight: () => transport.inFlight(),
    targetRatePerSec: () => executor!.dial?.().setpointPerSec ?? targetRateNow(plan, rateSetPerSec, (clock.nowUs() - startUs) / 1000),
    ...(executor.dial ? { dial: () => executor!.dial!() } : {}),
    measuredSoFar: () => [{ scenario: MAIN_SCENARIO, state: recorder }],
    checkpoint: () => checkpointOf(recorder, (clock.nowUs() - startUs) / 1000, transport.inFlight()),
  };
}

function withTargetStatistics(result: RunResult, statistics: Record<string, number> | undefined): RunResult {
  return statistics ? { ...result, targetStatistics: statistics } : result;
}

/** Runs a plan to the end: a plain call that code can repeat. */
export async function run(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
  return (await startRun(plan, options)).result;
}
