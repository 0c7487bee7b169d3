/** Picks items at random in proportion to their weights (Locust's task weights), from a given uniform source. */
export class WeightedPicker<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weightOf: (item: T) => number,
    private readonly random: () => number,
  ) {
    if (items.length === 0) throw new RangeError('nothing to pick from');
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    items.forEach((item, index) => (this.cumulative[index] = sum += weightOf(item)));
    this.total = sum;
  }

  pick(): T {
    const point = this.random() * this.total;
    // Few items per user type, so a linear scan beats a binary search.
    let index = 0;
    while (index < this.cumulative.length - 1 && point >= this.cumulative[index]!) index++;
    return this.items[index]!;
  }
}

/**
 * Splits `total` into whole shares in proportion to `weights` (largest remainder), so user counts follow
 * the mix exactly whatever the total: 10 users at 3:1 are 8 and 2 (7.5 and 2.5 rounded fairly), and a
 * smaller total is never more than one off its exact share. Ties go to the earlier weight.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((acc, share) => acc + share, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left-- <= 0) break;
    shares[index]!++;
  }
  return shares;
}
