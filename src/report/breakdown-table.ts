import type { BreakdownResult, NamedStatsResult } from '../metrics/breakdown.js';
import { decodeHistogram, percentilesMs } from '../metrics/histogram.js';
import type { RunResult } from '../result/types.js';
import { formatCount, formatMs, formatRate, table } from './format.js';

/** One Locust-style row: name, requests, failures, req/s, p50, p95, p99, max. */
function row(stats: NamedStatsResult, durationMs: number): string[] {
  const histogram = decodeHistogram(stats.histogram);
  const at = (percentile: number): number => (histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000);
  const { max } = percentilesMs(histogram);
  histogram.destroy();
  const failures = stats.requests === 0 ? '0' : `${formatCount(stats.failures)} (${((100 * stats.failures) / stats.requests).toFixed(1)}%)`;
  return [stats.name, formatCount(stats.requests), failures, formatRate((stats.requests * 1000) / Math.max(durationMs, 1)), ...[at(50), at(95), at(99), max].map(formatMs)];
}

function section(title: string, rows: readonly NamedStatsResult[], durationMs: number): string[] {
  if (rows.length === 0) return [];
  return ['', ...table([[title, 'requests', 'failures', 'req/s', 'p50', 'p95', 'p99', 'max'], ...rows.map((stats) => row(stats, durationMs))])];
}

/** Virtual users' results as Locust shows them: a table per task name, per user type and per phase, then checks, counters and script errors. */
export function breakdownLines(result: RunResult): string[] {
  const breakdown: BreakdownResult | undefined = result.breakdown;
  if (!breakdown) return [];
  const lines = [
    ...section('task', breakdown.tasks, result.durationMs),
    ...section('user type', breakdown.userTypes, result.durationMs),
    ...section('phase', breakdown.phases, result.durationMs),
  ];
  if (breakdown.checks.length > 0) {
    lines.push('', ...table([['check', 'passed', 'failed'], ...breakdown.checks.map((check) => [check.name, formatCount(check.passes), formatCount(check.fails)])]));
  }
  if (breakdown.counters.length > 0) {
    lines.push('', ...table([['counter', 'count'], ...breakdown.counters.map(({ name, count }) => [name, formatCount(count)])]));
  }
  if (breakdown.exceptions.length > 0) {
    lines.push('', ...table([['script error', 'count'], ...breakdown.exceptions.map(({ message, count }) => [message, formatCount(count)])]));
  }
  return lines;
}
