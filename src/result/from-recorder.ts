import { targetRateOf } from '../cluster/shard.js';
import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import { encodeHistogram } from '../metrics/histogram.js';
import type { Recorder } from '../metrics/recorder.js';
import type { Plan } from '../plan/schema.js';
import { VERSION } from '../version.js';
import { summarize } from './summarize.js';
import { RESULT_SCHEMA, type RunResult } from './types.js';

export interface RecordedRun {
  plan: Plan;
  /** A recorder whose `finish` has been called; `series` is what it returned. */
  recorder: Recorder;
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
    startedAt: new Date(run.startEpochMs).toISOString(),
    endedAt: new Date(run.endEpochMs).toISOString(),
    durationMs: Math.round(run.durationMs * 1000) / 1000,
    interrupted: interruptReason !== undefined,
    ...(interruptReason !== undefined ? { interruptReason } : {}),
    summary,
    series: run.series,
    histograms: {
      corrected: encodeHistogram(recorder.corrected),
      uncorrected: encodeHistogram(recorder.uncorrected),
      scheduleLag: encodeHistogram(recorder.scheduleLag),
    },
  };
}
