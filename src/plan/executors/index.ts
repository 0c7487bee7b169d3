import { z } from 'zod';
import { ARRIVAL_EXECUTOR_TYPES, ARRIVAL_NAMES, isArrivalName } from '../arrival.js';
import { bucketRate } from './bucket-rate.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { constantThroughput } from './constant-throughput.js';
import { constantVus } from './constant-vus.js';
import { heldVus } from './held-vus.js';
import type { UserMix } from '../user-types.js';
import type { ExecutorKind } from './kind.js';
import { maxThroughput } from './max-throughput.js';
import { phases } from './phases.js';
import { poissonArrivalRate } from './poisson-arrival-rate.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingVus } from './ramping-vus.js';

export type { ExecutorKind, UsersOfKind } from './kind.js';
export { meanRateOf, rampRateAtMs, requestsOfRamp, type RampStage, type RampingExecutor } from './ramping-arrival-rate.js';

/** Every kind of executor, in the order the plan's JSON Schema lists them: a new kind is one more entry. */
export const EXECUTOR_KINDS = [
  constantArrivalRate,
  poissonArrivalRate,
  bucketRate,
  rampingArrivalRate,
  maxThroughput,
  constantThroughput,
  constantVus,
  rampingVus,
  phases,
  heldVus,
] as const;

type Kinds = typeof EXECUTOR_KINDS;
type SchemasOf<K extends readonly { schema: unknown }[]> = { -readonly [I in keyof K]: K[I]['schema'] };

/** Executors carry k6's names so users recognize them; each says how load arrives. */
const executorTypes = z.discriminatedUnion('type', EXECUTOR_KINDS.map((kind) => kind.schema) as SchemasOf<Kinds>);

/**
 * An arrival executor may name its schedule instead of its type (`arrival: uniform`, the Knative
 * framework's word): it becomes the type it stands for, so the plan and its result record that type.
 */
export const executorSchema = z.preprocess((input, ctx) => {
  if (typeof input !== 'object' || input === null || !('arrival' in input)) return input;
  const { arrival, ...rest } = input as Record<string, unknown>;
  if ('type' in rest) {
    ctx.addIssue({ code: 'custom', path: ['arrival'], message: 'give type or arrival, not both' });
    return input;
  }
  if (!isArrivalName(arrival)) {
    ctx.addIssue({ code: 'custom', path: ['arrival'], message: `unknown arrival ${JSON.stringify(arrival)} (known: ${ARRIVAL_NAMES.join(', ')})` });
    return input;
  }
  return { type: ARRIVAL_EXECUTOR_TYPES[arrival], ...rest };
}, executorTypes) as unknown as z.ZodType<z.output<typeof executorTypes>, z.input<typeof executorTypes>>;

export type Executor = z.output<typeof executorTypes>;
export type ExecutorType = Executor['type'];
/** The executors of the kinds that run virtual users. */
export type VuExecutor = z.output<Extract<Kinds[number], { users: object }>['schema']>;

/** The types of the kinds that run virtual users: "constant-vus", ... */
export const VU_EXECUTOR_TYPES: readonly string[] = EXECUTOR_KINDS.flatMap((kind) => ('users' in kind ? [kind.type] : []));

const KIND_OF_TYPE = new Map<string, ExecutorKind<Executor>>(EXECUTOR_KINDS.map((kind) => [kind.type, kind as unknown as ExecutorKind<Executor>]));

/** The kind of a validated executor: where every question about it is answered. */
export function kindOf(executor: Executor): ExecutorKind<Executor> {
  return KIND_OF_TYPE.get(executor.type)!;
}

export function isVuExecutor(executor: Executor): executor is VuExecutor {
  return kindOf(executor).users !== undefined;
}

/** A controller turns this executor's concurrency or users to hold a throughput (constant-throughput, held-vus). */
export function holdsThroughput(executor: Executor): executor is Extract<Executor, { setpointPerSec: number }> {
  return kindOf(executor).holdsThroughput === true;
}

/** Every user mix a virtual-user executor holds, with its path in the plan. */
export function mixesOf(executor: VuExecutor): { mix: UserMix; path: (string | number)[] }[] {
  return kindOf(executor)
    .users!.mixes(executor)
    .flatMap(({ mix, path }) => (mix ? [{ mix, path }] : []));
}

/** The rate asked for over the whole run, or null: see ExecutorKind.targetRatePerSec. */
export function targetRatePerSec(executor: Executor): number | null {
  return kindOf(executor).targetRatePerSec(executor);
}
