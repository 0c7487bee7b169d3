import type { BreakdownResult, CheckResult, NamedStatsResult } from '../metrics/breakdown.js';
import { encodeHistogram } from '../metrics/histogram.js';
import { sumHistograms } from './merge-parts.js';

/** Rows of the same name added together (counts summed, histograms merged exactly), in order of first appearance. */
function mergeNamed(lists: readonly (readonly NamedStatsResult[])[]): NamedStatsResult[] {
  const byName = new Map<string, NamedStatsResult[]>();
  for (const list of lists) for (const row of list) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  return [...byName].map(([name, rows]) => {
    const histogram = sumHistograms(rows.map((row) => row.histogram));
    // Parts ran side by side: a group's time is the longest any part gave it.
    const timesMs = rows.flatMap((row) => (row.durationMs === undefined ? [] : [row.durationMs]));
    const merged = {
      name,
      requests: rows.reduce((sum, row) => sum + row.requests, 0),
      failures: rows.reduce((sum, row) => sum + row.failures, 0),
      histogram: encodeHistogram(histogram),
      ...(timesMs.length > 0 ? { durationMs: Math.max(...timesMs) } : {}),
    };
    histogram.destroy();
    return merged;
  });
}

function mergeChecks(lists: readonly (readonly CheckResult[])[]): CheckResult[] {
  const byName = new Map<string, CheckResult>();
  for (const list of lists) {
    for (const { name, passes, fails } of list) {
      const seen = byName.get(name);
      byName.set(name, seen ? { name, passes: seen.passes + passes, fails: seen.fails + fails } : { name, passes, fails });
    }
  }
  return [...byName.values()];
}

/** The virtual users' breakdown of runs that ran side by side, or undefined when none of them had one. */
export function mergeBreakdowns(breakdowns: readonly (BreakdownResult | undefined)[]): BreakdownResult | undefined {
  const present = breakdowns.filter((breakdown): breakdown is BreakdownResult => breakdown !== undefined);
  if (present.length === 0) return undefined;
  const exceptions = new Map<string, number>();
  for (const { message, count } of present.flatMap((breakdown) => breakdown.exceptions)) exceptions.set(message, (exceptions.get(message) ?? 0) + count);
  const counters = new Map<string, number>();
  // Results written before counters existed have none.
  for (const { name, count } of present.flatMap((breakdown) => breakdown.counters ?? [])) counters.set(name, (counters.get(name) ?? 0) + count);
  return {
    tasks: mergeNamed(present.map((breakdown) => breakdown.tasks)),
    userTypes: mergeNamed(present.map((breakdown) => breakdown.userTypes)),
    phases: mergeNamed(present.map((breakdown) => breakdown.phases)),
    checks: mergeChecks(present.map((breakdown) => breakdown.checks)),
    exceptions: [...exceptions].map(([message, count]) => ({ message, count })),
    counters: [...counters].map(([name, count]) => ({ name, count })),
  };
}
