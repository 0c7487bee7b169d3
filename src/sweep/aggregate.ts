import { percentilesMs } from '../metrics/histogram.js';
import { createSlowdownHistogram, slowdownStats } from '../metrics/slowdown.js';
import { csvText } from '../report/csv.js';
import { sumHistograms } from '../result/merge-parts.js';
import type { RunResult } from '../result/types.js';
import type { Cell } from './cells.js';
import type { GridValue } from './definition.js';
import { tInterval95 } from './interval.js';

/** The measures of one cell, from all its repeats; what a study is for. */
export interface CellMeasures {
  repeats: number;
  sent: number;
  completed: number;
  failed: number;
  /** Completed ÷ requests due (sent + dropped): a request the generator could not send did not succeed either. */
  successRate: number;
  /** Completed requests per second, the mean over the repeats. */
  achievedRate: number;
  latencyMeanMs: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  /** A 95% Student-t interval of the repeats' p99s; absent with one repeat. */
  latencyP99LowMs?: number;
  latencyP99HighMs?: number;
  /** Absent when no answer carried its service time. */
  slowdownMean?: number;
  slowdownP50?: number;
  slowdownP99?: number;
  serviceMeanMs?: number;
}

/** One row of results.csv: a cell's grid values and its measures. */
export interface SweepRow extends CellMeasures {
  params: Record<string, GridValue>;
}

export const MEASURE_COLUMNS = [
  'repeats',
  'sent',
  'completed',
  'failed',
  'successRate',
  'achievedRate',
  'latencyMeanMs',
  'latencyP50Ms',
  'latencyP90Ms',
  'latencyP99Ms',
  'latencyP99LowMs',
  'latencyP99HighMs',
  'slowdownMean',
  'slowdownP50',
  'slowdownP99',
  'serviceMeanMs',
] as const satisfies readonly (keyof CellMeasures)[];

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

/**
 * A cell's measures from its repeats' results. Latencies come from the repeats' histograms added
 * together (corrected for coordinated omission), never from averaged percentiles; only the p99 interval
 * looks at each repeat on its own, since it is about how much repeats differ.
 */
export function measureCell(results: readonly RunResult[]): CellMeasures {
  const total = (pick: (result: RunResult) => number): number => results.reduce((sum, result) => sum + pick(result), 0);
  const sent = total((result) => result.summary.requests.sent);
  const completed = total((result) => result.summary.requests.completed);
  const due = sent + total((result) => result.summary.requests.dropped);
  const latency = percentilesMs(sumHistograms(results.map((result) => result.histograms.corrected)));
  const interval = tInterval95(results.map((result) => result.summary.latencyMs.corrected.p99));
  return {
    repeats: results.length,
    sent,
    completed,
    failed: total((result) => result.summary.requests.failed),
    successRate: due === 0 ? 0 : round(completed / due, 6),
    achievedRate: round(total((result) => result.summary.rate.achieved) / results.length),
    latencyMeanMs: latency.mean,
    latencyP50Ms: latency.p50,
    latencyP90Ms: latency.p90,
    latencyP99Ms: latency.p99,
    ...(interval ? { latencyP99LowMs: round(Math.max(0, interval[0])), latencyP99HighMs: round(interval[1]) } : {}),
    ...slowdownOf(results),
  };
}

type SlowdownMeasures = Pick<CellMeasures, 'slowdownMean' | 'slowdownP50' | 'slowdownP99' | 'serviceMeanMs'>;

/** Slowdown and service time from the repeats' histograms added together; nothing when no answer carried a service time. */
function slowdownOf(results: readonly RunResult[]): SlowdownMeasures {
  const slowdowns = results.flatMap((result) => result.histograms.slowdown ?? []);
  if (slowdowns.length === 0) return {};
  const slowdown = slowdownStats(sumHistograms(slowdowns, createSlowdownHistogram));
  if (slowdown.count === 0) return {};
  const service = percentilesMs(sumHistograms(results.flatMap((result) => result.histograms.serviceTime ?? [])));
  return { slowdownMean: slowdown.mean, slowdownP50: slowdown.p50, slowdownP99: slowdown.p99, serviceMeanMs: service.mean };
}

/** results.csv: the grid keys as named in the sweep file, then the measures; a measure a cell lacks is an empty field. */
export function rowsCsv(keys: readonly string[], rows: readonly SweepRow[]): string {
  const body = rows.map((row) => [...keys.map((key) => String(row.params[key] ?? '')), ...MEASURE_COLUMNS.map((column) => row[column] ?? '')]);
  return csvText([[...keys, ...MEASURE_COLUMNS], ...body]);
}

/** Rows in the grid's own order, whatever order the runs went in; a cell with no finished run has none. */
export function rowsOf(cells: readonly Cell[], runs: readonly { cell: string; file: string }[], results: ReadonlyMap<string, RunResult>): SweepRow[] {
  return cells.flatMap((cell) => {
    const repeats = runs.filter((run) => run.cell === cell.id).flatMap((run) => results.get(run.file) ?? []);
    return repeats.length === 0 ? [] : [{ params: cell.params, ...measureCell(repeats) }];
  });
}
