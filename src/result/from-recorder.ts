import { randomUUID } from 'node:crypto';
import type { Histogram } from 'hdr-histogram-js';
import { targetRateOf } from '../cluster/shard.js';
import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import { decodeHistogram, encodeHistogram } from '../metrics/histogram.js';
import type { RecorderTotals } from '../metrics/recorder.js';
import type { Plan } from '../plan/schema.js';
import { VERSION } from '../version.js';
import { summarize } from './summarize.js';
import { RESULT_SCHEMA, type RunResult } from './types.js';

/** What a result is made of: a Recorder, or one rebuilt from a checkpoint. */
export interface RecordedState {
  totals(): RecorderTotals;
  readonly corrected: Histogram;
  readonly uncorrected: Histogram;
  readonly scheduleLag: Histogram;
}

/**
 * Everything measured so far, encoded: a worker thread sends one each second, so that if it dies
 * the main thread still holds its share up to then.
 */
export interface RunCheckpoint {
  /** Time since time zero when it was taken. */
  elapsedMs: number;
  totals: RecorderTotals;
  histograms: RunResult['histograms'];
  inFlight: number;
}

export function checkpointOf(state: RecordedState, elapsedMs: number, inFlight: number): RunCheckpoint {
  return { elapsedMs, totals: state.totals(), histograms: encodedHistograms(state), inFlight };
}

export function stateOfCheckpoint(checkpoint: RunCheckpoint): RecordedState {
  return {
    totals: () => checkpoint.totals,
    corrected: decodeHistogram(checkpoint.histograms.corrected),
    uncorrected: decodeHistogram(checkpoint.histograms.uncorrected),
    scheduleLag: decodeHistogram(checkpoint.histograms.scheduleLag),
  };
}

const encodedHistograms = (state: RecordedState): RunResult['histograms'] => ({
  corrected: encodeHistogram(state.corrected),
  uncorrected: encodeHistogram(state.uncorrected),
  scheduleLag: encodeHistogram(state.scheduleLag),
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

/** The result of a finished recording: counts and histograms in, summary derived, histograms encoded. */
export function resultFromRecorder(run: RecordedRun): RunResult {
  const { plan, recorder, interruptReason } = run;
  const summary = summarize({
    totals: recorder.totals(),
    corrected: recorder.corrected,
    uncorrected: recorder.uncorrected,
    scheduleLag: recorder.scheduleLag,
    durationMs: run.durationMs,
    targetRate: targetRateOf(plan),
    generator: run.generator,
    interrupted: run.interrupted,
  });
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
    summary,
    series: run.series,
    histograms: encodedHistograms(recorder),
  };
}
