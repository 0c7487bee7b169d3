import { randomUUID } from 'node:crypto';
import { targetRateOf } from '../plan/shard.js';
import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import { createHistogram, decodeHistogram, encodeHistogram } from '../metrics/histogram.js';
import { createSlowdownHistogram } from '../metrics/slowdown.js';
import type { RecorderTotals, TallyState } from '../metrics/tally.js';
import type { Plan } from '../plan/schema.js';
import { VERSION } from '../version.js';
import { summarize } from './summarize.js';
import { RESULT_SCHEMA, type EncodedHistograms, type RunResult, type Summary } from './types.js';
import { splitDurationMs } from './warmup.js';

/** What a result is made of: a Recorder, or one rebuilt from a checkpoint. */
export interface RecordedState {
  /** What the summary judges: every request due after the warm-up. */
  readonly measured: TallyState;
  /** The requests due within the warm-up, when the plan has one. */
  readonly warmup: TallyState | undefined;
}

/** A tally's counts and histograms, encoded. */
export interface EncodedTally {
  totals: RecorderTotals;
  histograms: EncodedHistograms;
}

/**
 * Everything measured so far, encoded: a worker thread sends one each second, so that if it dies
 * the main thread still holds its share up to then.
 */
export interface RunCheckpoint {
  /** Time since time zero when it was taken. */
  elapsedMs: number;
  measured: EncodedTally;
  warmup?: EncodedTally;
  inFlight: number;
}

export function checkpointOf(state: RecordedState, elapsedMs: number, inFlight: number): RunCheckpoint {
  return { elapsedMs, measured: encodedTally(state.measured), ...(state.warmup ? { warmup: encodedTally(state.warmup) } : {}), inFlight };
}

export function stateOfCheckpoint(checkpoint: RunCheckpoint): RecordedState {
  return { measured: decodedTally(checkpoint.measured), warmup: checkpoint.warmup ? decodedTally(checkpoint.warmup) : undefined };
}

/** What a finished result counted, as a state to read like a live one (its summary's counts, its histograms decoded). */
export function stateOfResult({ summary, warmup, histograms }: RunResult): RecordedState {
  const { warmup: warmupHistograms, ...measured } = histograms;
  return {
    measured: decodedTally({ totals: totalsOfSummary(summary), histograms: measured }),
    warmup: warmup && warmupHistograms ? decodedTally({ totals: totalsOfSummary(warmup), histograms: warmupHistograms }) : undefined,
  };
}

const totalsOfSummary = ({ requests, errors, statusCodes }: Summary): RecorderTotals => ({
  sent: requests.sent,
  completed: requests.completed,
  failed: requests.failed,
  dropped: requests.dropped,
  droppedBy: requests.droppedBy,
  errors,
  statusCodes,
});

const encodedTally = (tally: TallyState): EncodedTally => ({ totals: tally.totals(), histograms: encodedHistograms(tally) });

const decodedTally = ({ totals, histograms }: EncodedTally): TallyState => ({
  totals: () => totals,
  corrected: decodeHistogram(histograms.corrected),
  uncorrected: decodeHistogram(histograms.uncorrected),
  scheduleLag: decodeHistogram(histograms.scheduleLag),
  slowdown: histograms.slowdown === undefined ? createSlowdownHistogram() : decodeHistogram(histograms.slowdown, createSlowdownHistogram),
  serviceTime: histograms.serviceTime === undefined ? createHistogram() : decodeHistogram(histograms.serviceTime),
});

/** The histograms encoded; slowdown and service time only when some answer carried a service time. */
export const encodedHistograms = (tally: Omit<TallyState, 'totals'>): EncodedHistograms => ({
  corrected: encodeHistogram(tally.corrected),
  uncorrected: encodeHistogram(tally.uncorrected),
  scheduleLag: encodeHistogram(tally.scheduleLag),
  ...(tally.serviceTime.totalCount > 0 ? { slowdown: encodeHistogram(tally.slowdown), serviceTime: encodeHistogram(tally.serviceTime) } : {}),
});

export interface RecordedRun {
  plan: Plan;
  /** A recorder whose `finish` has been called (`series` is what it returned), or a checkpoint's state. */
  recorder: RecordedState;
  series: RunResult['series'];
  startEpochMs: number;
  endEpochMs: number;
  durationMs: number;
  generator: GeneratorHealth;
  /** Requests sent but unanswered when the run was cut short. */
  interrupted: number;
  interruptReason?: string;
}

/** The result of a finished recording: counts and histograms in, summaries derived, histograms encoded. */
export function resultFromRecorder(run: RecordedRun): RunResult {
  const { plan, recorder, interruptReason } = run;
  const durations = splitDurationMs(run.durationMs, plan.warmupMs);
  const summaryOf = (tally: TallyState, durationMs: number, interrupted: number, series: RunResult['series']) =>
    summarize({ ...tallyParts(tally), durationMs, targetRate: targetRateOf(plan), generator: run.generator, interrupted, series });
  const { warmup } = recorder;
  return {
    schema: RESULT_SCHEMA,
    tool: { name: 'salvo', version: VERSION, node: process.version },
    plan,
    runId: randomUUID(),
    startedAt: new Date(run.startEpochMs).toISOString(),
    endedAt: new Date(run.endEpochMs).toISOString(),
    durationMs: Math.round(run.durationMs * 1000) / 1000,
    interrupted: interruptReason !== undefined,
    ...(interruptReason !== undefined ? { interruptReason } : {}),
    summary: summaryOf(
      recorder.measured,
      durations.measuredMs,
      run.interrupted,
      run.series.filter((second) => !second.warmup),
    ),
    ...(warmup
      ? {
          warmup: summaryOf(
            warmup,
            durations.warmupMs,
            0,
            run.series.filter((second) => second.warmup),
          ),
        }
      : {}),
    series: run.series,
    histograms: { ...encodedHistograms(recorder.measured), ...(warmup ? { warmup: encodedHistograms(warmup) } : {}) },
  };
}

const tallyParts = (tally: TallyState) => ({
  totals: tally.totals(),
  corrected: tally.corrected,
  uncorrected: tally.uncorrected,
  scheduleLag: tally.scheduleLag,
  slowdown: tally.slowdown,
  serviceTime: tally.serviceTime,
});
