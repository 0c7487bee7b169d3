import type { z } from 'zod';
import type { UserMix } from '../user-types.js';

/** What every executor has, whatever its kind: how a running load tells it apart, and how long it sends. */
export interface ExecutorConfig {
  type: string;
  durationMs: number;
}

/** How many users a virtual-user executor wants at one moment, before they are split by type. */
export interface UsersWanted {
  /** Index of the phase running (0 for kinds without phases). */
  phase: number;
  /** Which start of a phase this is over the run, when phases repeat (phases' runTimeMs); the phase index when absent. */
  step?: number;
  /** The phase starts its users afresh (phases' restart). */
  restart?: boolean;
  users: number;
  /** The mix of user types in force; undefined means every type at its own weight. */
  mix: UserMix | undefined;
  /** Users started or stopped per second on the way to `users`; Infinity means all at once. */
  spawnRate: number;
}

/** What a kind that runs virtual users says about its users (k6's "how many VUs it needs when"). */
export interface UsersOfKind<E> {
  at(executor: E, elapsedMs: number): UsersWanted;
  /** The most users wanted at once: how many ways split data is divided, and what a built-in scenario must allow. */
  peak(executor: E): number;
  /** The mix of each phase (one entry for kinds without phases), with its path in the plan. */
  mixes(executor: E): { mix: UserMix | undefined; path: (string | number)[] }[];
  /** Names of the phases the breakdown counts apart; none for kinds without phases. */
  phaseNames(executor: E): string[];
  /** Kinds with phases: time spent in each over the first `elapsedMs` (a phase's req/s is over it), and each one's user count. */
  phases?: { timesMs(executor: E, elapsedMs: number): number[]; users(executor: E): number[] };
}

/**
 * One kind of executor as plan data (k6's executor config): its schema and the pure facts that the
 * rest of salvo asks of it, so that nothing else switches on `type`. How it runs is its entry in
 * src/runner/runtimes.ts.
 */
export interface ExecutorKind<E extends ExecutorConfig = ExecutorConfig> {
  type: E['type'];
  schema: z.ZodType<E, unknown>;
  /** One line for people, e.g. "constant-arrival-rate 500/s for 30s"; rates written by `formatRate`. */
  describe(executor: E, formatRate: (perSecond: number) => string): string;
  /** The rate asked for over the whole run (a ramp's mean), or null for a load without one: thresholds' "target" and the result's target rate. */
  targetRatePerSec(executor: E): number | null;
  /** The highest rate asked for at any moment, or null for a load that is not paced (it runs flat out or runs users' scripts). */
  peakRatePerSec(executor: E): number | null;
  /** True when the target rate is a mean over a rate that changes (a ramp), so no one second can be judged by it. */
  targetRateIsMean?: boolean;
  /** A controller turns its concurrency (or its users) to hold a throughput: one control loop, not split over shards or threads. */
  holdsThroughput?: true;
  /** Present for kinds that run virtual users. */
  users?: UsersOfKind<E>;
  /** Requests written on a connection before the first reply is read; 1 unless the kind says. */
  pipelining?(executor: E): number;
}
