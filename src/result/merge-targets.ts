import type { TargetCounts } from '../protocols/spread-transport.js';
import type { TargetSpread } from './types.js';

/** Runs side by side over the same targets: each target's counts added; the seed kept only when every run drew with it. */
export function mergeTargetSpreads(spreads: readonly (TargetSpread | undefined)[]): TargetSpread | undefined {
  const present = spreads.filter((spread): spread is TargetSpread => spread !== undefined);
  if (present.length === 0) return undefined;
  const byUrl = new Map<string, TargetCounts>();
  for (const { counts } of present) {
    for (const target of counts) {
      const sum = byUrl.get(target.url);
      if (sum === undefined) byUrl.set(target.url, { ...target });
      else {
        sum.sent += target.sent;
        sum.completed += target.completed;
        sum.failed += target.failed;
      }
    }
  }
  const seeds = new Set(present.map((spread) => spread.seed));
  const seed = seeds.size === 1 && present.length === spreads.length ? present[0]!.seed : undefined;
  return { ...(seed !== undefined ? { seed } : {}), counts: [...byUrl.values()] };
}
