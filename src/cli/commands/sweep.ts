import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { PlanFileError, readPlanFile } from '../../plan/index.js';
import { formatMs } from '../../units/format.js';
import { describeCell } from '../../sweep/cells.js';
import { rebuildStudy } from '../../sweep/outputs.js';
import { baseDirOf, resolveSweep, SweepError, type ResolvedSweep } from '../../sweep/resolve.js';
import { runSweep, type StudyWatch, type SweepProgress } from '../../sweep/run-sweep.js';
import { finishedFiles, readManifest } from '../../sweep/study-dir.js';
import type { SecondSample } from '../../metrics/recorder.js';
import type { RunResult } from '../../result/types.js';
import { CliError, EXIT } from '../exit-codes.js';
import { addDashboardFlags, dashboardAddressOf, openDashboard } from '../dashboard-flags.js';
import type { RunFlags } from '../run-flags.js';
import { ProgressFrames } from '../../report/progress-frames.js';
import { Steering } from '../../report/dashboard/steering.js';
import type { StudyPlace } from '../../report/dashboard/page.js';
import type { RunHandle } from '../../runner/index.js';

interface SweepFlags extends Pick<RunFlags, 'dashboard' | 'dashboardToken'> {
  outDir?: string;
  dryRun?: boolean;
  quiet?: boolean;
}

/** "2m 05s", "1h 02m", "45s": time left at a glance. */
export function formatTimeLeft(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Every problem of a sweep on a line of its own, each with its path; a single one on the error's line. */
export function sweepCliError(error: SweepError, file: string): CliError {
  const [only, ...more] = error.problems;
  return new CliError(
    more.length === 0 ? `invalid sweep ${file}: ${only!}` : `invalid sweep ${file}:\n${error.problems.map((problem) => `  ${problem}`).join('\n')}`,
  );
}

export function readSweepFile(file: string): unknown {
  if (!existsSync(file)) throw new CliError(`no sweep file ${file}`);
  try {
    return readPlanFile(file);
  } catch (error) {
    if (error instanceof PlanFileError) throw new CliError(error.problems[0]!);
    throw error;
  }
}

export function sweepCommand(): Command {
  const command = new Command('sweep')
    .description(
      'run a study: every combination of a grid of plan values (rates, arrivals, spin times, ...), repeated, into one directory with results.csv, plots and a report; run it again to resume',
    )
    .argument('<sweep-file>', 'a sweep file (sweep.yaml): a base plan, a grid, repeats, per-cell duration and warm-up (see docs/sweeps.md)')
    .option('-o, --out-dir <dir>', 'the study directory (default: logs/<sweep name>/); finished runs found there are not run again')
    .option('--dry-run', 'print the runs in the order they would go and the total time, and run nothing')
    .option('-q, --quiet', 'print nothing but errors');
  addDashboardFlags(
    command,
    'a live page of the study: which run of how many, its cell, the time left, the running cell as salvo run --dashboard draws it, and a button that stops the study',
  ).action(async (file: string, flags: SweepFlags) => {
    process.exitCode = await sweepFromFile(file, flags);
  });
  command
    .command('report')
    .description('make results.csv, the plots and report.html again from the result files of a study directory')
    .argument('<dir>', 'a study directory written by salvo sweep')
    .action(async (dir: string) => {
      let written: string[];
      try {
        ({ written } = await rebuildStudy(dir));
      } catch (error) {
        if (error instanceof SweepError) throw new CliError(error.problems.join('; '));
        throw error;
      }
      for (const path of written) process.stdout.write(`  written: ${path}\n`);
    });
  return command;
}

async function sweepFromFile(file: string, flags: SweepFlags): Promise<number> {
  const definition = readSweepFile(file);
  const options = { baseDir: baseDirOf(file), file };
  try {
    // Resolved up front, so a bad sweep fails before a directory is made.
    const resolved = resolveSweep(definition, options);
    const outDir = flags.outDir ?? join('logs', resolved.name);
    if (flags.dryRun) {
      await printDryRun(resolved, definition, options, outDir);
      return EXIT.ok;
    }
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const printer = new ProgressLines(flags.quiet === true, outDir);
    const dashboard = await StudyDashboard.open(flags, resolved, () => controller.abort());
    let outcome: Awaited<ReturnType<typeof runSweep>>;
    try {
      outcome = await runSweep(definition, {
        ...options,
        outDir,
        signal: controller.signal,
        onProgress: (progress) => printer.onProgress(progress),
        ...(dashboard ? { watch: dashboard } : {}),
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await dashboard?.close();
    }
    const stoppedFromPage = dashboard?.stopped === true;
    if (!flags.quiet) {
      const total = outcome.sweep.runs.length;
      const done = outcome.ran + outcome.skipped;
      process.stdout.write(
        `${outcome.interrupted ? `${stoppedFromPage ? 'stopped from the dashboard' : 'interrupted'}: ${done} of ${total} runs done; run the same command again to resume` : `done: ${total} runs (${outcome.ran} now, ${outcome.skipped} before)`}, ${outcome.rows.length} cells in ${join(outDir, 'results.csv')}\n`,
      );
      process.stdout.write(`  written: ${outDir}/ (results.csv, plots/, report.html, manifest.json, a result file per run)\n`);
    }
    // Stopped from the page: ended as its user asked, resumable like an interrupted one.
    return outcome.interrupted && !stoppedFromPage ? EXIT.interruptedBySigint : EXIT.ok;
  } catch (error) {
    if (error instanceof SweepError) throw sweepCliError(error, file);
    throw error;
  }
}

/** The runs in their order, marked when a result is already in the study directory, and the time it all takes. */
async function printDryRun(fresh: ResolvedSweep, definition: unknown, options: { baseDir: string; file: string }, outDir: string): Promise<void> {
  // A study begun before keeps its seed, so its order is the one a resume follows.
  const recorded = await readManifest(outDir);
  const resolved = recorded && recorded.seed !== fresh.seed ? resolveSweep(definition, { ...options, seed: recorded.seed }) : fresh;
  const done = finishedFiles(outDir);
  const { definition: sweep, runs } = resolved;
  const left = runs.filter((run) => !done.has(run.file));
  const lines = [
    `sweep ${resolved.name}: ${resolved.cells.length} cells × ${sweep.repeats} repeats = ${runs.length} runs, order ${sweep.order} (seed ${resolved.seed})`,
    ...runs.map(
      (run, index) =>
        `  ${String(index + 1).padStart(String(runs.length).length)}. ${describeCell(run.cell)} · repeat ${run.repeat} · ${formatMs(run.plan.executor.durationMs)}${done.has(run.file) ? ' · done' : ''}`,
    ),
    `total: ${formatTimeLeft(resolved.totalMs)} of sending and pauses${left.length < runs.length ? `; ${left.length} runs left` : ''}; study directory ${outDir}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Where a run stands: its cell (of the grid's cells) and repeat, and the time the study has left. */
const placeOf = ({ run, cells, repeats, leftMs }: SweepProgress): string =>
  `cell ${run.cell.index + 1}/${cells} ${describeCell(run.cell)} · repeat ${run.repeat}/${repeats} · ${formatTimeLeft(leftMs)} left`;

/**
 * `salvo sweep --dashboard`: one page for the whole study, showing the run in progress as `salvo run
 * --dashboard` shows a run, with the study's place above it; the page starts over with each run. Its
 * only control stops the study (what finished is kept, and the same command resumes it).
 */
class StudyDashboard implements StudyWatch {
  stopped = false;
  private frames: ProgressFrames | undefined;
  private handle: RunHandle | undefined;

  private constructor(
    private readonly live: Awaited<ReturnType<typeof openDashboard>>,
    private readonly stopStudy: () => void,
  ) {}

  static async open(flags: SweepFlags, resolved: ResolvedSweep, stopStudy: () => void): Promise<StudyDashboard | undefined> {
    const address = dashboardAddressOf(flags);
    if (address === undefined) return undefined;
    const first = resolved.runs[0]!;
    const waiting: StudyPlace = { position: 0, total: resolved.runs.length, line: `${resolved.runs.length} runs, the first about to start` };
    const live = await openDashboard(address, flags.dashboardToken, first.plan, waiting);
    if (!flags.quiet) process.stdout.write(`dashboard: ${live.dashboard.url}\n`);
    return new StudyDashboard(live, stopStudy);
  }

  started(progress: SweepProgress, handle: RunHandle): void {
    const { plan } = progress.run;
    const steering = new Steering(plan, Date.now, { stopOnly: true });
    steering.attach({
      setRate: (ratePerSec) => handle.setRate(ratePerSec),
      setConcurrency: (connections) => handle.setConcurrency(connections),
      stop: () => {
        this.stopped = true;
        this.stopStudy();
      },
    });
    this.handle = handle;
    this.frames = new ProgressFrames(plan);
    this.live.dashboard.nextRun({
      plan,
      steering,
      study: { position: progress.position, total: progress.total, line: `run ${progress.position}/${progress.total} · ${placeOf(progress)}` },
    });
  }

  onSecond(sample: SecondSample): void {
    const { handle } = this;
    if (handle === undefined) return;
    this.live.dashboard.publish(this.frames!.ofRun(sample, handle));
  }

  ended(result: RunResult): void {
    this.handle = undefined;
    this.live.dashboard.finish(result);
  }

  close(): Promise<void> {
    return this.live.dashboard.close();
  }
}

/** One line per run as it starts: run k of n in the study's order, its cell (of the grid's cells) and repeat, and the time the study has left. */
class ProgressLines {
  private skipped = 0;

  constructor(
    private readonly quiet: boolean,
    private readonly outDir: string,
  ) {}

  onProgress(progress: SweepProgress): void {
    const { event, position, total } = progress;
    if (this.quiet) return;
    if (event === 'skipped') {
      this.skipped++;
      return;
    }
    if (event !== 'started') return;
    if (this.skipped > 0) {
      process.stdout.write(`resuming ${this.outDir}: ${this.skipped} runs already done there are skipped\n`);
      this.skipped = 0;
    }
    process.stdout.write(`[${position}/${total}] ${placeOf(progress)}\n`);
  }
}
