import type { RunResult } from '../result/types.js';
import { formatCount, formatMs, formatRate, table } from '../units/format.js';

/** A plan's scenarios side by side, one row each: what each load sent and how it fared. */
export function scenarioLines(result: RunResult): string[] {
  if (!result.scenarios) return [];
  const rows = result.scenarios.map(({ name, summary }) => [
    name,
    formatCount(summary.requests.sent),
    formatCount(summary.requests.failed),
    formatCount(summary.requests.dropped),
    formatRate(summary.rate.achieved),
    formatMs(summary.latencyMs.corrected.p50),
    formatMs(summary.latencyMs.corrected.p99),
  ]);
  return ['', ...table([['scenario', 'sent', 'failed', 'dropped', 'achieved', 'p50', 'p99'], ...rows])];
}
