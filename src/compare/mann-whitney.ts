import { twoSidedPValue } from './normal.js';

/** Below this many values per group the normal approximation of U is too rough to trust. */
export const MANN_WHITNEY_MIN_SAMPLES = 8;

export interface MannWhitneyResult {
  /** U of the first group: the pairs (a, b) with a > b, ties counted as one half. */
  u: number;
  z: number;
  pValue: number;
}

/**
 * Two-sided Mann-Whitney U test by the normal approximation, with the tie correction (per-second
 * counts tie often) and a continuity correction of 0.5, as scipy's `mannwhitneyu(method='asymptotic')`.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const pooled = [...a.map((value) => ({ value, first: true })), ...b.map((value) => ({ value, first: false }))].sort((x, y) => x.value - y.value);
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && pooled[end + 1]!.value === pooled[start]!.value) end++;
    const averageRank = (start + end) / 2 + 1;
    const tied = end - start + 1;
    tieTerm += tied ** 3 - tied;
    for (let index = start; index <= end; index++) if (pooled[index]!.first) rankSumFirst += averageRank;
    start = end + 1;
  }
  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, pValue: 1 };
  const z = (Math.sign(u - mean) * Math.max(0, Math.abs(u - mean) - 0.5)) / Math.sqrt(variance);
  return { u, z, pValue: twoSidedPValue(z) };
}
