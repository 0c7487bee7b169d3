import { writeFile } from 'node:fs/promises';
import { ERROR_CAUSES, type ErrorCause } from '../metrics/causes.js';
import type { SecondSample } from '../metrics/recorder.js';
import type { RunResult } from '../result/types.js';

const FIXED_COLUMNS = ['second', 'start', 'sent', 'completed', 'failed', 'dropped', 'p50_ms', 'p99_ms', 'max_ms'];

/**
 * The per-second series as RFC 4180 CSV, header first, one row per second and one `errors_<cause>`
 * column per cause seen anywhere in the run. Rows end in CRLF as RFC 4180 specifies; spreadsheets,
 * pandas and csv modules all read it.
 */
export function seriesCsv(series: readonly SecondSample[]): string {
  const causes = causesSeen(series);
  const header = [...FIXED_COLUMNS, ...causes.map((cause) => `errors_${cause}`)];
  const rows = series.map((sample) => [
    sample.second,
    new Date(sample.startEpochMs).toISOString(),
    sample.sent,
    sample.completed,
    sample.failed,
    sample.dropped,
    sample.latencyMs.p50,
    sample.latencyMs.p99,
    sample.latencyMs.max,
    ...causes.map((cause) => (sample.errors as Record<string, number | undefined>)[cause] ?? 0),
  ]);
  return csvText([header, ...rows]);
}

/** Rows of fields as RFC 4180 CSV: quoted where needed, each row ending in CRLF. */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((fields) => `${fields.map(csvField).join(',')}\r\n`).join('');
}

export async function writeSeriesCsv(result: RunResult, path: string): Promise<void> {
  await writeFile(path, seriesCsv(result.series));
}

/**
 * Causes with a count in any second, in the fixed order of ERROR_CAUSES; names this version does not
 * know (a result from a newer salvo) follow alphabetically. `dropped` already has its own column.
 */
function causesSeen(series: readonly SecondSample[]): string[] {
  const seen = new Set<string>();
  for (const sample of series) {
    for (const [cause, count] of Object.entries(sample.errors)) if (count !== undefined && count > 0) seen.add(cause);
  }
  seen.delete('dropped');
  const rank = (cause: string): number => {
    const index = ERROR_CAUSES.indexOf(cause as ErrorCause);
    return index < 0 ? ERROR_CAUSES.length : index;
  };
  return [...seen].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
