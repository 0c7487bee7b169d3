/** A duration in ms with a unit chosen for its size: 850µs, 12.3ms, 4.56s. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms)}ms`;
  return `${trim(ms / 1000)}s`;
}

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  return `${perSecond >= 100 ? formatCount(perSecond) : trim(perSecond)}/s`;
}

/** `part` as a percentage of `whole`, three significant digits at most: 2%, 0.333%; 0% of nothing. */
export function formatShare(part: number, whole: number): string {
  return whole > 0 ? `${trim((100 * part) / whole)}%` : '0%';
}

/** A ratio such as a slowdown: 1.23×, 45.6×. */
export function formatRatio(ratio: number): string {
  return `${trim(ratio)}×`;
}

/** Three significant digits at most, no trailing zeros. */
function trim(value: number): string {
  return String(Number(value.toPrecision(value >= 100 ? 4 : 3)));
}

/** Pads each column to its widest cell; the first column is left-aligned, the rest right-aligned. */
export function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('   ')
        .trimEnd(),
  );
}
