import { connectionsOf } from '../plan/shard.js';
import { ArrivalRateExecutor } from '../executors/arrival-rate.js';
import type { ExecutorContext, RunningExecutor } from '../executors/executor.js';
import { MaxThroughputExecutor } from '../executors/max-throughput.js';
import { ConstantThroughputExecutor } from '../executors/constant-throughput.js';
import { VirtualUserExecutor, type VirtualUserContextOptions } from '../executors/vu/executor.js';
import { HeldVirtualUserExecutor } from '../executors/vu/held.js';
import { Breakdown } from '../metrics/breakdown.js';
import { kindOf, type Executor, type ExecutorType, type VuExecutor } from '../plan/executors/index.js';
import type { Plan } from '../plan/schema.js';
import { createTransport, createUserConnections, type TransportContext } from '../protocols/create-transport.js';
import type { UserConnections } from '../protocols/http1/user-connections.js';
import type { ResolvedTarget } from '../protocols/resolved-target.js';
import type { Connections, Transport } from '../protocols/transport.js';
import { BucketPacer } from '../schedule/bucket.js';
import { ConstantPacer } from '../schedule/constant.js';
import type { Pacer } from '../schedule/pacer.js';
import { PoissonPacer } from '../schedule/poisson.js';
import { freshSeed } from '../schedule/random.js';
import { RampingPacer } from '../schedule/ramping.js';
import { ShardedPacer } from '../schedule/sharded.js';
import { prepareUsers, type PreparedUsers } from './virtual-users.js';

/** What a runtime has made ready before time zero; the target's own statistics come from a built-in scenario. */
export interface Prepared {
  targetStatistics?: () => Promise<Record<string, number> | undefined>;
}

/**
 * How one kind of executor runs: its set-up before time zero, the connections it sends on, and the
 * running executor at time zero.
 */
export interface Runtime<C extends Connections = Connections, P extends Prepared = Prepared> {
  /** What must be done before time zero: for virtual users, load their types and read their data files. */
  prepare(plan: Plan): Promise<P>;
  /** The load's connections to the target: a pool, or one connection per virtual user. */
  connect(plan: Plan, target: ResolvedTarget, context: TransportContext): C;
  create(plan: Plan, prepared: P, context: ExecutorContext<C>): RunningExecutor;
}

type ExecutorOf<T extends ExecutorType> = Extract<Executor, { type: T }>;

/**
 * How each arrival-rate kind paces its requests: its own schedule when `ratePerSec` is undefined, else
 * a rate set mid-run. `stream` tells apart the pacers of one run, so a Poisson schedule rebased at a
 * new rate draws new gaps instead of replaying the seed's first ones.
 */
const PACERS = {
  'constant-arrival-rate': (executor, ratePerSec) => new ConstantPacer(ratePerSec ?? executor.ratePerSec),
  'poisson-arrival-rate': (executor, ratePerSec, stream) =>
    new PoissonPacer(ratePerSec ?? executor.ratePerSec, (executor.seed ^ Math.imul(stream, 0x9e3779b1)) >>> 0),
  'bucket-rate': (executor, ratePerSec) => new BucketPacer(ratePerSec ?? executor.ratePerSec, executor.bucketMs * 1000, executor.durationMs * 1000),
  // A rate set mid-run replaces the ramp with a constant rate: whoever sets it has taken over.
  'ramping-arrival-rate': (executor, ratePerSec) =>
    ratePerSec === undefined ? new RampingPacer(executor.startRatePerSec, executor.stages) : new ConstantPacer(ratePerSec),
} satisfies { [T in ExecutorType]?: (executor: ExecutorOf<T>, ratePerSec: number | undefined, stream: number) => Pacer };

export type ArrivalExecutor = ExecutorOf<keyof typeof PACERS>;

/**
 * The pacer of an arrival-rate executor (see PACERS); with `shard` (1-based index), only that share of
 * the schedule. A shard keeps its share of the one global schedule, so `ratePerSec` is always the
 * whole plan's rate.
 */
export function pacerFor(executor: ArrivalExecutor, ratePerSec: number | undefined, stream = 0, shard?: { index: number; count: number }): Pacer {
  const global = (PACERS[executor.type] as (executor: ArrivalExecutor, ratePerSec: number | undefined, stream: number) => Pacer)(executor, ratePerSec, stream);
  return shard && shard.count > 1 ? new ShardedPacer(global, shard.index - 1, shard.count) : global;
}

const NOTHING_TO_PREPARE = async (): Promise<Prepared> => ({});

/** A shard opens its share of the plan's connections (the transport was sized for the whole plan). */
function takeShareOfConnections(plan: Plan, transport: Transport): void {
  if (plan.shard) transport.setMaxConnections(connectionsOf(plan));
}

/** The open model: requests due on the kind's schedule, over a pool of connections. */
const arrivals: Runtime<Transport> = {
  prepare: NOTHING_TO_PREPARE,
  connect: (plan, target, context) => createTransport(plan, target, context),
  create: (plan, _prepared, context) => {
    takeShareOfConnections(plan, context.transport);
    const executor = plan.executor as ArrivalExecutor;
    return new ArrivalRateExecutor((ratePerSec, stream) => pacerFor(executor, ratePerSec, stream, plan.shard), context, plan.maxQueue);
  },
};

/** Every connection sends again as soon as it is answered. */
const flatOut: Runtime<Transport> = {
  prepare: NOTHING_TO_PREPARE,
  connect: (plan, target, context) => createTransport(plan, target, { ...context, pipelining: kindOf(plan.executor).pipelining?.(plan.executor) ?? 1 }),
  create: (plan, _prepared, context) => {
    takeShareOfConnections(plan, context.transport);
    return new MaxThroughputExecutor(context);
  },
};

/** A closed loop like flatOut, with the number of requests in flight turned by a controller. */
const held: Runtime<Transport> = {
  prepare: NOTHING_TO_PREPARE,
  connect: (plan, target, context) => createTransport(plan, target, context),
  create: (plan, _prepared, context) => new ConstantThroughputExecutor(plan.executor as ExecutorOf<'constant-throughput'>, context),
};

/** What every virtual user needs from the run: its types, data, connections and clock. */
function userOptions(plan: Plan, users: PreparedUsers, { clock, transport, startUs, durationUs }: ExecutorContext<UserConnections>): VirtualUserContextOptions {
  return {
    clock,
    connections: transport,
    startUs,
    durationUs,
    types: users.types,
    breakdown: new Breakdown(kindOf(plan.executor).users!.phaseNames(plan.executor)),
    data: users.data,
    base: new URL(plan.target.url),
    seed: plan.seed ?? freshSeed(),
    gracefulStopMs: plan.gracefulStopMs,
    ...(plan.shard ? { share: plan.shard } : {}),
  };
}

/** The closed model: virtual users, each on a connection of its own, running their types' tasks. */
const virtualUsers: Runtime<UserConnections, PreparedUsers> = {
  prepare: (plan) => prepareUsers(plan as Plan & { executor: VuExecutor }),
  connect: (plan, target, context) => createUserConnections(plan, target, context),
  create: (plan, users, context) => new VirtualUserExecutor(plan.executor as VuExecutor, userOptions(plan, users, context)),
};

/** Virtual users as virtualUsers runs them, their number turned by a controller. */
const heldUsers: Runtime<UserConnections, PreparedUsers> = {
  ...virtualUsers,
  create: (plan, users, context) => new HeldVirtualUserExecutor(plan.executor as ExecutorOf<'held-vus'>, userOptions(plan, users, context)),
};

/** How each kind of executor runs (what it is, its schema and facts, is src/plan/executors/). */
const RUNTIMES = {
  'constant-arrival-rate': arrivals,
  'poisson-arrival-rate': arrivals,
  'bucket-rate': arrivals,
  'ramping-arrival-rate': arrivals,
  'max-throughput': flatOut,
  'constant-throughput': held,
  'constant-vus': virtualUsers,
  'ramping-vus': virtualUsers,
  phases: virtualUsers,
  'held-vus': heldUsers,
} satisfies Record<ExecutorType, object>;

export function runtimeOf(executor: Executor): Runtime {
  return RUNTIMES[executor.type] as unknown as Runtime;
}
