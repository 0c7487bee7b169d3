import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rowsCsv, rowsOf, type SweepRow } from './aggregate.js';
import { cellsOf } from './cells.js';
import { renderSvg, studyCharts, type ChartOptions } from './charts.js';
import { renderStudyReport } from './study-report.js';
import { SweepError } from './resolve.js';
import { finishedFiles, MANIFEST_FILE, readManifest, readRunResults, type SweepManifest } from './study-dir.js';

export const RESULTS_CSV = 'results.csv';
export const REPORT_HTML = 'report.html';
export const PLOTS_DIR = 'plots';

/** What a study's directory shows of its rows: results.csv, one SVG per plot under plots/, and report.html; returns the paths written. */
export async function writeStudyOutputs(dir: string, manifest: SweepManifest, rows: readonly SweepRow[]): Promise<string[]> {
  const keys = Object.keys(manifest.grid);
  const { slowdownBy, heatmap } = manifest.definition.plots ?? {};
  const options: ChartOptions = { ...(slowdownBy !== undefined ? { slowdownKey: slowdownBy } : {}), ...(heatmap !== undefined ? { heatmap } : {}) };
  const written = [join(dir, RESULTS_CSV)];
  await writeFile(written[0]!, rowsCsv(keys, rows));
  if (rows.length === 0) return written;
  const plots = [];
  for (const chart of studyCharts(keys, rows, options)) plots.push({ chart, svg: await renderSvg(chart) });
  await mkdir(join(dir, PLOTS_DIR), { recursive: true });
  for (const { chart, svg } of plots) {
    const path = join(dir, PLOTS_DIR, `${chart.id}.svg`);
    await writeFile(path, `<?xml version="1.0" encoding="utf-8"?>\n${svg}\n`);
    written.push(path);
  }
  written.push(join(dir, REPORT_HTML));
  await writeFile(written.at(-1)!, renderStudyReport(manifest, rows, plots));
  return written;
}

/** `salvo sweep report`: the rows, CSV, plots and report made again from the result files in a study directory. */
export async function rebuildStudy(dir: string): Promise<{ rows: SweepRow[]; written: string[] }> {
  const recorded = await readManifest(dir);
  if (recorded === undefined) throw new SweepError([`${dir} has no ${MANIFEST_FILE}: not a study directory (salvo sweep writes one)`]);
  const files = finishedFiles(dir);
  const manifest: SweepManifest = { ...recorded, runs: recorded.runs.map((run) => ({ ...run, done: files.has(run.file) })) };
  const results = await readRunResults(
    dir,
    manifest.runs.filter((run) => run.done).map((run) => run.file),
  );
  const cells = cellsOf(Object.entries(manifest.grid).map(([key, values]) => ({ key, values })));
  const rows = rowsOf(cells, manifest.runs, results);
  return { rows, written: await writeStudyOutputs(dir, manifest, rows) };
}
