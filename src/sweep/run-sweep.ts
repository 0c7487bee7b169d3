import { join } from 'node:path';
import type { SecondSample } from '../metrics/recorder.js';
import { longestDurationMs } from '../plan/schema.js';
import type { RunResult } from '../result/types.js';
import { startRun, type RunHandle, type RunOptions } from '../runner/index.js';
import { rowsOf, type SweepRow } from './aggregate.js';
import { resolveSweep, SweepError, type PlannedRun, type ResolvedSweep } from './resolve.js';
import { writeStudyOutputs } from './outputs.js';
import {
  finishedFiles,
  newManifest,
  prepareStudyDir,
  readManifest,
  readRunResults,
  studyFingerprint,
  writeAtomically,
  writeManifest,
  type SweepManifest,
} from './study-dir.js';

/** What a study is doing, told as it goes: `position` of `total` counts every run, skipped ones included. */
export interface SweepProgress {
  event: 'skipped' | 'started' | 'finished';
  run: PlannedRun;
  position: number;
  total: number;
  /** Cells in the grid and runs of each: the run is repeat `run.repeat` of `repeats` of cell `run.cell.index + 1` of `cells`. */
  cells: number;
  repeats: number;
  /** The study's time still to go from this point, ms: the sending and pauses ahead, plus each run's overhead as measured so far. */
  leftMs: number;
}

export interface SweepOptions {
  /** Where `plan: file.yaml` is looked for (the sweep file's directory); default: the working directory. */
  baseDir?: string;
  /** The sweep file, naming the study when the sweep has no name. */
  file?: string;
  /** Writes the study here (result files, manifest.json, results.csv, plots, report) and resumes what is there; without it nothing is written. */
  outDir?: string;
  /** Aborting ends the run in progress (its result is not kept) and the study after it; what finished stays. */
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Passed to every run (a test's clock; probe defaults to true, so a target that went away ends the study). */
  runOptions?: Pick<RunOptions, 'clock' | 'probe' | 'jit'>;
  /** A live display of each run as it goes (the dashboard). */
  watch?: StudyWatch;
}

/** Told of each run of a study as it starts, of each of its seconds as it closes, and of its result. */
export interface StudyWatch {
  started(progress: SweepProgress, handle: RunHandle): void;
  onSecond(sample: SecondSample): void;
  /** A run that finished (one cut short by the signal is no finished cell, and is not told). */
  ended(result: RunResult): void;
}

export interface SweepOutcome {
  rows: SweepRow[];
  sweep: ResolvedSweep;
  /** Runs done now, and runs whose result files were already in outDir. */
  ran: number;
  skipped: number;
  interrupted: boolean;
}

/** Runs a study and returns its rows, one per cell in grid order; writes nothing unless asked (options.outDir). */
export async function sweep(definition: unknown, options: SweepOptions = {}): Promise<SweepRow[]> {
  return (await runSweep(definition, options)).rows;
}

/** `sweep` with the rest of what happened: for the CLI, which also reports skipped runs and interruptions. */
export async function runSweep(definition: unknown, options: SweepOptions = {}): Promise<SweepOutcome> {
  const dir = options.outDir;
  const recorded = dir === undefined ? undefined : await readManifest(dir);
  const resolved = resolveSweep(definition, { ...options, ...(recorded ? { seed: recorded.seed } : {}) });
  if (recorded && recorded.fingerprint !== studyFingerprint(resolved)) {
    throw new SweepError([`${dir} holds another study (its plan, grid or settings differ from this sweep): give another --out-dir, or remove that directory`]);
  }
  const results = new Map<string, RunResult>();
  const done = dir === undefined ? new Set<string>() : finishedFiles(dir);
  const planned = new Set(resolved.runs.map((run) => run.file));
  if (dir !== undefined) {
    await prepareStudyDir(dir);
    for (const [file, result] of await readRunResults(
      dir,
      [...done].filter((file) => planned.has(file)),
    ))
      results.set(file, result);
  }
  const manifest: SweepManifest = recorded
    ? { ...recorded, state: 'running', runs: recorded.runs.map((run) => ({ ...run, done: results.has(run.file) })) }
    : newManifest(resolved, new Set(results.keys()), new Date().toISOString());
  if (dir !== undefined) await writeManifest(dir, manifest);

  const study = new StudyClock(resolved);
  let ran = 0;
  let interrupted = false;
  try {
    for (const [index, run] of resolved.runs.entries()) {
      const progressOf = (event: SweepProgress['event']): SweepProgress => ({
        event,
        run,
        position: index + 1,
        total: resolved.runs.length,
        cells: resolved.cells.length,
        repeats: resolved.definition.repeats,
        leftMs: study.leftMs(index, results),
      });
      const progress = (event: SweepProgress['event']): void => options.onProgress?.(progressOf(event));
      if (results.has(run.file)) {
        progress('skipped');
        continue;
      }
      if (ran > 0 && !(await pause(resolved.definition.cooldownMs, options.signal))) {
        interrupted = true;
        break;
      }
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      progress('started');
      const startedMs = performance.now();
      const result = await runOnce(run, options, progressOf('started'));
      if (result === undefined) {
        interrupted = true;
        break;
      }
      study.measured(run, performance.now() - startedMs);
      ran++;
      results.set(run.file, result);
      if (dir !== undefined) {
        await writeAtomically(join(dir, run.file), `${JSON.stringify(result, null, 2)}\n`);
        manifest.runs.find((entry) => entry.file === run.file)!.done = true;
        await writeManifest(dir, manifest);
      }
      progress('finished');
    }
  } finally {
    if (dir !== undefined) {
      manifest.state = interrupted || manifest.runs.some((run) => !run.done) ? 'interrupted' : 'complete';
      manifest.endedAt = new Date().toISOString();
      await writeManifest(dir, manifest);
    }
  }
  const rows = rowsOf(resolved.cells, manifest.runs, results);
  if (dir !== undefined) await writeStudyOutputs(dir, manifest, rows);
  return { rows, sweep: resolved, ran, skipped: results.size - ran, interrupted };
}

/** One run to its end, or undefined when the signal stopped it: a cut-short run is not a finished cell. */
async function runOnce(run: PlannedRun, options: SweepOptions, progress: SweepProgress): Promise<RunResult | undefined> {
  const { watch } = options;
  const handle = await startRun(run.plan, {
    probe: true,
    ...options.runOptions,
    ...(watch ? { onSecond: (sample: SecondSample) => watch.onSecond(sample), liveUncorrected: true } : {}),
  });
  watch?.started(progress, handle);
  const stop = (): void => handle.stop('SIGINT');
  options.signal?.addEventListener('abort', stop, { once: true });
  // Aborted while it was starting: an abort event already fired is not heard.
  if (options.signal?.aborted) stop();
  try {
    const result = await handle.result;
    if (result.interrupted && options.signal?.aborted) return undefined;
    watch?.ended(result);
    return result;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}

/** Waits out the pause between cells; false when the signal ended it. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', cancel);
      resolve(true);
    }, ms);
    const cancel = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', cancel, { once: true });
  });
}

/**
 * The time a study has left: each run's planned sending plus the pause before it, and the overhead a
 * run has beyond its plan (connecting, the last answers, writing) as measured on this machine so far.
 */
class StudyClock {
  private overheadMs = 0;
  private measuredRuns = 0;

  constructor(private readonly resolved: ResolvedSweep) {}

  measured(run: PlannedRun, elapsedMs: number): void {
    this.overheadMs += Math.max(0, elapsedMs - longestDurationMs(run.plan));
    this.measuredRuns++;
  }

  /** The runs from `index` on that have no result yet. */
  leftMs(index: number, results: ReadonlyMap<string, RunResult>): number {
    const ahead = this.resolved.runs.slice(index).filter((run) => !results.has(run.file));
    const perRunOverheadMs = this.measuredRuns === 0 ? 0 : this.overheadMs / this.measuredRuns;
    return ahead.reduce((sum, run) => sum + longestDurationMs(run.plan) + perRunOverheadMs + this.resolved.definition.cooldownMs, 0);
  }
}
