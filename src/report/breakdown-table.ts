import type { BreakdownResult, NamedStatsResult } from '../metrics/breakdown.js';
import { decodeHistogram, percentilesMs } from '../metrics/histogram.js';
import type { RunResult } from '../result/types.js';
import { formatCount, formatMs, formatRate, table } from '../units/format.js';

/** The Locust-style columns, shared by the terminal summary and the HTML report. */
export const BREAKDOWN_COLUMNS = ['requests', 'failures', 'req/s', 'p50', 'p95', 'p99', 'max'] as const;

/** One row's cells after its name: requests, failures (with their share), req/s over the group's own time (else the run's), p50, p95, p99, max. */
export function breakdownCells(stats: NamedStatsResult, runDurationMs: number): string[] {
  const durationMs = stats.durationMs ?? runDurationMs;
  const histogram = decodeHistogram(stats.histogram);
  const at = (percentile: number): number => (histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000);
  const { max } = percentilesMs(histogram);
  histogram.destroy();
  const failures = stats.requests === 0 ? '0' : `${formatCount(stats.failures)} (${((100 * stats.failures) / stats.requests).toFixed(1)}%)`;
  return [formatCount(stats.requests), failures, formatRate((stats.requests * 1000) / Math.max(durationMs, 1)), ...[at(50), at(95), at(99), max].map(formatMs)];
}

/** The breakdown's groups with their titles, the empty ones left out. */
export function breakdownSections(breakdown: BreakdownResult): { title: string; rows: NamedStatsResult[] }[] {
  return [
    { title: 'task', rows: breakdown.tasks },
    { title: 'user type', rows: breakdown.userTypes },
    { title: 'phase', rows: breakdown.phases },
  ].filter((section) => section.rows.length > 0);
}

/** Virtual users' results as Locust shows them: a table per task name, per user type and per phase, then checks, counters and script errors. */
export function breakdownLines(result: RunResult): string[] {
  const { breakdown } = result;
  if (!breakdown) return [];
  const lines = breakdownSections(breakdown).flatMap(({ title, rows }) => [
    '',
    ...table([[title, ...BREAKDOWN_COLUMNS], ...rows.map((stats) => [stats.name, ...breakdownCells(stats, result.durationMs)])]),
  ]);
  if (breakdown.checks.length > 0) {
    lines.push(
      '',
      ...table([['check', 'passed', 'failed'], ...breakdown.checks.map((check) => [check.name, formatCount(check.passes), formatCount(check.fails)])]),
    );
  }
  if (breakdown.counters.length > 0) {
    lines.push('', ...table([['counter', 'count'], ...breakdown.counters.map(({ name, count }) => [name, formatCount(count)])]));
  }
  if (breakdown.exceptions.length > 0) {
    lines.push('', ...table([['script error', 'count'], ...breakdown.exceptions.map(({ message, count }) => [message, formatCount(count)])]));
  }
  return lines;
}
