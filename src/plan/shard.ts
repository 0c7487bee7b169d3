import { rampRateAtMs, targetRatePerSec } from './executors/index.js';
import { scenarioPlans, type Plan } from './schema.js';
import { SalvoError, type SalvoErrorOptions } from '../errors.js';

/**
 * One of `count` shares of a plan; `index` is 1-based (1 … count), as `--shard 2/8` and the error
 * messages write it. The splitting rule below takes the 0-based share (index − 1).
 */
export interface Shard {
  index: number;
  count: number;
}

/** Why a shard text cannot be read, in one line. */
export class ShardSyntaxError extends SalvoError {
  override name = 'ShardSyntaxError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_SHARD_SYNTAX', message, options);
  }
}

/** "2/8" → { index: 2, count: 8 }; anything but whole numbers with 1 ≤ index ≤ count is refused. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new ShardSyntaxError(`"${text}" is not a shard: write index/count, 1-based, e.g. 2/8`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new ShardSyntaxError(`"${text}": the shard count must be at least 1`);
  if (index < 1 || index > count) throw new ShardSyntaxError(`"${text}": the shard index must be from 1 to ${count}`);
  return { index, count };
}

export const shardLabel = (shard: Shard): string => `${shard.index}/${shard.count}`;

/**
 * One share of a whole count (connections, virtual users) split over `count` shares with none lost:
 * the first total mod count shares take one more. 0-based `share`. Splitting a share again this way
 * gives what splitting the total over the composed shares gives (see `composeShares`).
 */
export function splitEvenly(total: number, share: number, count: number): number {
  return Math.floor(total / count) + (share < total % count ? 1 : 0);
}

/**
 * A share of per-type counts (virtual users by user type), exact and balanced: the users of all types
 * are numbered in type order and share s of N takes users s, s+N, s+2N, ... So every share's counts add
 * up to the whole type by type, and shares differ by at most one user in total.
 */
export function shareOfCounts(counts: readonly number[], share: Shard): number[] {
  const s = share.index - 1;
  // How many of the users 0 … end−1 fall to share s.
  const upTo = (end: number): number => (end > s ? Math.floor((end - s - 1) / share.count) + 1 : 0);
  let start = 0;
  return counts.map((count) => {
    const mine = upTo(start + count) - upTo(start);
    start += count;
    return mine;
  });
}

/**
 * Share `inner` of share `outer` (worker 1/2 of shard 2/4) as one share of the whole: outer owns
 * global requests o, o+N, o+2N, … (0-based o), and inner's w-th of W of those are o + (w + jW)·N, that
 * is, share o + w·N of N·W. So a worker inside a shard is simply a finer shard, for the schedule and,
 * by the same arithmetic, for `splitEvenly`.
 */
export function composeShares(outer: Shard | undefined, inner: Shard): Shard {
  if (outer === undefined) return inner;
  return { index: outer.index + (inner.index - 1) * outer.count, count: outer.count * inner.count };
}

/** The connections this plan's run may open: its share of the plan's connections when it is a shard. */
export function connectionsOf(plan: Plan): number {
  return plan.shard ? splitEvenly(plan.connections, plan.shard.index - 1, plan.shard.count) : plan.connections;
}

/**
 * The rate this run is asked for: the plan's rate, or a shard's share of it (every count-th request
 * of the global schedule is 1/count of its rate). Null in max-throughput mode.
 */
export function targetRateOf(plan: Plan): number | null {
  if (plan.scenarios) return sideBySide(scenarioPlans(plan).map((load) => targetRateOf(load.plan)));
  const rate = targetRatePerSec(plan.executor);
  return rate === null ? null : shareOfRate(plan, rate);
}

/** Loads run side by side (scenarios): their rates add up; one without a rate leaves the whole without one. */
export function sideBySide(rates: readonly (number | null)[]): number | null {
  return rates.every((rate) => rate !== null) ? rates.reduce((sum, rate) => sum + rate, 0) : null;
}

/** This run's share of a rate given for the whole plan, as `RunHandle.setRate` takes it. */
const shareOfRate = (plan: Plan, ratePerSec: number): number => (plan.shard ? ratePerSec / plan.shard.count : ratePerSec);

/**
 * The rate this run asks for `elapsedMs` after its time zero: a ramp's rate at that instant (its
 * share, for a shard), else the plan's one rate (`targetRateOf`).
 */
export function targetRateAtMs(plan: Plan, elapsedMs: number): number | null {
  const { executor } = plan;
  if (plan.scenarios || executor.type !== 'ramping-arrival-rate') return targetRateOf(plan);
  return shareOfRate(plan, rampRateAtMs(executor.startRatePerSec, executor.stages, elapsedMs));
}

/** The rate a run asks for now: its share of the rate last set on it (`setRate`), else its plan's at `elapsedMs`. */
export function targetRateNow(plan: Plan, rateSetPerSec: number | undefined, elapsedMs: number): number | null {
  return rateSetPerSec === undefined ? targetRateAtMs(plan, elapsedMs) : shareOfRate(plan, rateSetPerSec);
}
