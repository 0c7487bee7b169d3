import type { SecondSample } from '../metrics/recorder.js';
import { scenarioPlans, type Plan } from '../plan/schema.js';
import { sideBySide } from '../plan/shard.js';
import { mergeResults } from '../result/merge.js';
import { addSeconds } from '../result/merge-series.js';
import type { RunResult } from '../result/types.js';
import { ThresholdWatch } from '../thresholds/watch.js';
import type { RunHandle, RunOptions } from './handle.js';
import { sharedTimeZero, timeZeroOf, type TimeZero } from './time-zero.js';

type StartOne = (plan: Plan, options: RunOptions, timeZero: TimeZero) => Promise<RunHandle>;

/**
 * Runs a plan's scenarios side by side, each a run of its own, and joins them as they go: a second is
 * announced (and judged by abort-on-fail thresholds) once every scenario still running has closed it,
 * and the result is their lossless merge, with each scenario's summary kept and the thresholds judged
 * on the whole.
 */
export async function startScenarios(plan: Plan, options: RunOptions, startOne: StartOne): Promise<RunHandle> {
  const loads = scenarioPlans(plan);
  const thresholds = new ThresholdWatch(plan);
  const running = new Set(loads.map((_, index) => index));
  const pending = new Map<number, Map<number, SecondSample>>();
  let abortedBy: string | undefined;
  let handles: RunHandle[] = [];

  const announceReadySeconds = (): void => {
    for (const [second, samples] of [...pending].sort(([a], [b]) => a - b)) {
      if (![...running].every((index) => samples.has(index))) return;
      pending.delete(second);
      const parts = [...samples.values()];
      const merged = addSeconds(second, Math.min(...parts.map((sample) => sample.startEpochMs)), parts);
      options.onSecond?.(merged);
      if (abortedBy === undefined && thresholds.failsSecond(merged)) {
        abortedBy = 'threshold';
        for (const handle of handles) handle.stop('threshold');
      }
    }
  };

  // The loads start together, once all are ready: one that got ready first does not run alone meanwhile.
  const timeZero = sharedTimeZero(loads.length, timeZeroOf(options));
  handles = await Promise.all(
    loads.map((load, index) =>
      startOne(
        load.plan,
        {
          ...options,
          onSecond: (sample) => {
            const samples = pending.get(sample.second) ?? new Map<number, SecondSample>();
            samples.set(index, sample);
            pending.set(sample.second, samples);
            announceReadySeconds();
          },
        },
        timeZero.arrive,
      ).catch((error: unknown) => {
        timeZero.abandon(error);
        throw error;
      }),
    ),
  );
  for (const [index, handle] of handles.entries()) {
    void handle.result.then(() => {
      running.delete(index);
      announceReadySeconds();
    });
  }

  const result = Promise.all(handles.map((handle) => handle.result)).then((results): RunResult => {
    const merged = mergeResults(
      results,
      loads.map((load) => `scenario ${load.name}`),
      { scenarios: true },
    );
    const interruptReason = abortedBy ?? merged.interruptReason;
    const combined: RunResult = {
      ...merged,
      plan,
      scenarios: loads.map((load, index) => ({ name: load.name, summary: results[index]!.summary })),
    };
    delete combined.sources;
    const judged = thresholds.results(combined.summary, interruptReason);
    return judged ? { ...combined, thresholds: judged } : combined;
  });

  const main = handles[0]!;
  return {
    result,
    setRate: (ratePerSec) => main.setRate(ratePerSec),
    setConcurrency: (connections) => main.setConcurrency(connections),
    stop: (reason) => {
      for (const handle of handles) handle.stop(reason);
    },
    inFlight: () => handles.reduce((sum, handle) => sum + handle.inFlight(), 0),
    targetRatePerSec: () => sideBySide(handles.map((handle) => handle.targetRatePerSec())),
    measuredSoFar: () => handles.flatMap((handle, index) => handle.measuredSoFar().map(({ state }) => ({ scenario: loads[index]!.name, state }))),
  };
}
