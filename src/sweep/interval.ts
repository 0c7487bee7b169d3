/** Student's t at 97.5% (a two-sided 95% interval) for 1 to 30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t at 97.5% for `degrees` of freedom: the table, and past it the Cornish–Fisher expansion around the normal's 1.96 (within 0.001 from 30 on). */
export function tQuantile975(degrees: number): number {
  if (degrees <= T_975.length) return T_975[degrees - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * degrees) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * degrees ** 2);
}

/**
 * A 95% confidence interval of the mean of `values` (one per repeat, e.g. each repeat's p99), from
 * Student's t: the repeats are the independent samples, so the interval shows how much the figure moves
 * from one run of the cell to the next. Undefined with fewer than two values. With few repeats it is
 * wide (t = 12.7 for two), as it should be.
 */
export function tInterval95(values: readonly number[]): [number, number] | undefined {
  const count = values.length;
  if (count < 2) return undefined;
  const mean = values.reduce((sum, value) => sum + value, 0) / count;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
  const half = tQuantile975(count - 1) * Math.sqrt(variance / count);
  return [mean - half, mean + half];
}
