import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseStartAt, StartAtError } from '../time/start-at.js';
import { readPlanFile, validatePlanFile, type Plan } from '../plan/index.js';
import { withPathsFromFile } from '../plan/paths.js';
import { VU_EXECUTOR_TYPES } from '../plan/executors/index.js';
import { loadScenarioModule } from '../scenario/load-scenario.js';
import { ARRIVAL_EXECUTOR_TYPES, canonicalArrival } from '../plan/arrival.js';
import type { RunOptions } from '../plan/run-options.js';
import { parseListenAddress } from '../plan/listen-address.js';
import { freshSeed } from '../schedule/random.js';
import type { RunFlags } from './run-flags.js';
import { CliError } from './exit-codes.js';
import { checkHoldFlags, heldExecutor } from './hold-flags.js';
import { metricsFlagsOfRunOptions } from './metrics-flags.js';
import { scenarioFromFlag, scenarioOptionsFromFlags } from './scenario-flags.js';

type Data = Record<string, unknown>;

/** Flags that set one target field, and how the flag's value is written there. */
const TARGET_FIELDS: Partial<Record<keyof RunFlags, [field: string, value: (flags: RunFlags) => unknown]>> = {
  method: ['method', (flags) => flags.method.toUpperCase()],
  header: ['headers', (flags) => flags.header],
  body: ['body', (flags) => flags.body],
  bodyFile: ['bodyFile', (flags) => flags.bodyFile],
  insecure: ['insecure', (flags) => flags.insecure === true],
  ca: ['caFile', (flags) => flags.ca],
  http2: ['http2', (flags) => flags.http2 === true],
  streams: ['streams', (flags) => flags.streams],
  payload: ['payload', (flags) => flags.payload],
  payloadFile: ['payloadFile', (flags) => flags.payloadFile],
  expectDelimiter: ['expectDelimiter', (flags) => flags.expectDelimiter],
  expectBytes: ['expectBytes', (flags) => flags.expectBytes],
  proto: ['proto', (flags) => flags.proto],
  call: ['call', (flags) => flags.call],
  data: ['data', (flags) => flags.data],
  metadata: ['metadata', (flags) => flags.metadata],
  deadline: ['deadlineMs', (flags) => flags.deadline],
};

/** Flags that set one top-level plan field. */
const PLAN_FIELDS: Partial<Record<keyof RunFlags, [field: string, value: (flags: RunFlags) => unknown]>> = {
  connections: ['connections', (flags) => flags.connections],
  timeout: ['timeoutMs', (flags) => flags.timeout],
  grace: ['gracefulStopMs', (flags) => flags.grace],
  maxQueue: ['maxQueue', (flags) => flags.maxQueue],
  warmup: ['warmupMs', (flags) => flags.warmup],
  shard: ['shard', (flags) => flags.shard],
  scenario: ['scenario', (flags) => scenarioFromFlag(flags.scenario!)],
};

/** The flags the user typed, as opposed to commander's defaults. */
export function explicitFlags(command: Command): Set<string> {
  return new Set(Object.keys(command.opts()).filter((key) => command.getOptionValueSource(key) === 'cli'));
}

/** A plan file's name that is not a file: said as such, rather than as a bad URL. */
export function assertPlanFileExists(argument: string): void {
  if (argument.includes('://')) return;
  if (/\.(ya?ml|json)$/i.test(argument)) throw new CliError(`no plan file ${argument}`);
  if (/\.(m?ts|m?js)$/i.test(argument)) throw new CliError(`no scenario file ${argument}`);
}

/** The plan in `file` with every flag the user set replacing the plan's value, validated. */
export function planFromFile(file: string, flags: RunFlags, explicit: ReadonlySet<string>): Plan {
  const data = readPlanFile(file);
  return validatePlanFile(file, isData(data) ? withFlags(data, flags, explicit) : data);
}

const isData = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of the plan's data with the explicit flags applied; what does not fit the plan is a one-line CliError. */
export function withFlags(data: Data, flags: RunFlags, explicit: ReadonlySet<string>): Data {
  const plan: Data = { ...data };
  const set = (key: keyof RunFlags): boolean => explicit.has(key);
  const target: Data = isData(plan.target) ? { ...plan.target } : {};
  for (const [key, [field, value]] of Object.entries(TARGET_FIELDS)) {
    if (!set(key as keyof RunFlags)) continue;
    target[field] = value(flags);
    // The flag replaces the plan's body, whichever way the plan gave it.
    if (key === 'body') delete target.bodyFile;
    if (key === 'bodyFile') delete target.body;
    if (key === 'payload') delete target.payloadFile;
    if (key === 'payloadFile') delete target.payload;
  }
  if (set('target')) target.url = flags.target;
  if (isData(plan.target) || Object.keys(target).length > 0) plan.target = target;
  for (const [key, [field, value]] of Object.entries(PLAN_FIELDS)) if (set(key as keyof RunFlags)) plan[field] = value(flags);
  const scenarioOptions = scenarioOptionsFromFlags(flags, typeof plan.scenario === 'string' ? plan.scenario : undefined);
  if (Object.keys(scenarioOptions).length > 0) plan.scenarioOptions = { ...(isData(plan.scenarioOptions) ? plan.scenarioOptions : {}), ...scenarioOptions };
  if (set('threshold')) plan.thresholds = flags.threshold.map((expression) => ({ expression, abortOnFail: flags.abortOnFail === true }));
  else if (set('abortOnFail')) {
    if (!Array.isArray(plan.thresholds) || plan.thresholds.length === 0)
      throw new CliError('--abort-on-fail needs at least one threshold, in the plan or with --threshold');
    plan.thresholds = plan.thresholds.map((threshold) => (isData(threshold) ? { ...threshold, abortOnFail: true } : threshold));
  }
  const executor = isData(plan.executor) ? plan.executor : {};
  checkHoldFlags(
    flags,
    (['rate', 'arrival', 'vus', 'pipelining', 'bucket', 'seed'] as const).map((key) => [key, set(key) ? flags[key] : undefined]),
  );
  if (flags.hold !== undefined) {
    plan.executor = heldWithFlags(executor, plan, { ...flags, hold: flags.hold }, set);
  } else if (set('vus')) {
    plan.executor = usersWithFlags(executor, flags, set);
  } else if (VU_EXECUTOR_TYPES.includes(String(executor.type))) {
    if (set('duration')) plan.executor = usersWithFlags(executor, flags, set);
    if (set('seed')) plan.seed = flags.seed;
  } else {
    plan.executor = executorWithFlags(executor, flags, set);
  }
  return plan;
}

/**
 * --hold replaces the plan's load with a held one for --duration (or the plan's): its virtual users'
 * when it runs users (a scenario, user types), else its requests in flight.
 */
function heldWithFlags(executor: Data, plan: Data, flags: RunFlags & { hold: number }, set: (key: keyof RunFlags) => boolean): Data {
  const runsUsers = VU_EXECUTOR_TYPES.includes(String(executor.type)) || plan.scenario !== undefined || plan.userTypes !== undefined;
  const durationMs = set('duration') || executor.durationMs === undefined ? flags.duration : executor.durationMs;
  const mix = executor.type === 'phases' ? {} : { userTypes: executor.userTypes };
  return heldExecutor(flags, durationMs, runsUsers ? mix : undefined);
}

/** --vus makes the load constant-vus (k6's --vus); --duration changes a constant-vus's duration. */
function usersWithFlags(executor: Data, flags: RunFlags, set: (key: keyof RunFlags) => boolean): Data {
  if (set('rate') || set('arrival')) throw new CliError('--vus runs virtual users (the closed model); --rate and --arrival are for arrival rates');
  if (!set('vus') && executor.type !== 'constant-vus')
    throw new CliError(`--duration does not apply to ${String(executor.type)}: its stages or phases set the duration (or give --vus to replace it)`);
  const durationMs = set('duration') ? flags.duration : executor.type === 'constant-vus' ? executor.durationMs : flags.duration;
  return {
    type: 'constant-vus',
    vus: set('vus') ? flags.vus : executor.vus,
    durationMs,
    ...(executor.userTypes !== undefined && executor.type !== 'phases' ? { userTypes: executor.userTypes } : {}),
  };
}

/** The plan a scenario file declares (its `plan`), its files made absolute, with the file as its scenario; not yet validated. */
export async function scenarioPlanData(file: string): Promise<Data> {
  const definition: unknown = await loadScenarioModule(file);
  const declared = isData(definition) && isData(definition.plan) ? definition.plan : {};
  // The files the declared plan names are relative to the scenario file, as a plan file's are to it.
  return { ...(withPathsFromFile(declared, file) as Data), scenario: resolve(file) };
}

/** `salvo run scenario.ts`: the plan the scenario file declares (its `plan`), with the flags applied and the file as its user types. */
export async function planFromScenario(file: string, flags: RunFlags, explicit: ReadonlySet<string>): Promise<Plan> {
  const declared = await scenarioPlanData(file);
  if (declared.executor === undefined && !explicit.has('vus') && !explicit.has('hold'))
    throw new CliError(`${file} declares no plan.executor: give --vus N or --hold <rate> (and --duration), or a plan in defineScenario`);
  if (!isData(declared.target) && !explicit.has('target'))
    throw new CliError(`${file} declares no plan.target: give --target <url>, or a plan in defineScenario`);
  return validatePlanFile(file, withFlags(declared, flags, explicit));
}

function executorWithFlags(executor: Data, flags: RunFlags, set: (key: keyof RunFlags) => boolean): Data {
  if (!['rate', 'arrival', 'duration', 'bucket', 'seed', 'pipelining'].some((key) => set(key as keyof RunFlags))) return executor;
  const type = executor.type;
  if (set('rate') || set('arrival')) {
    // A rate or an arrival schedule makes it an arrival-rate executor, whatever the plan had.
    const ratePerSec = set('rate') ? flags.rate : type === 'ramping-arrival-rate' ? undefined : executor.ratePerSec;
    if (ratePerSec === undefined) throw new CliError(`--arrival ${flags.arrival} needs --rate: the plan's ${String(type ?? 'executor')} has no single rate`);
    if (set('pipelining')) throw new CliError('--pipelining applies only to max throughput (without --rate)');
    const arrival = set('arrival')
      ? canonicalArrival(flags.arrival)
      : type === 'poisson-arrival-rate'
        ? 'poisson'
        : type === 'bucket-rate'
          ? 'bucket'
          : 'constant';
    const durationMs = set('duration') ? flags.duration : type === 'ramping-arrival-rate' ? undefined : executor.durationMs;
    if (durationMs === undefined) throw new CliError(`--rate replaces the plan's ${String(type)}, whose stages set its duration: give --duration too`);
    if (set('seed') && arrival !== 'poisson') throw new CliError('--seed applies only to --arrival poisson');
    if (set('bucket') && arrival !== 'bucket') throw new CliError('--bucket applies only to --arrival bucket');
    const base = { type: ARRIVAL_EXECUTOR_TYPES[arrival], ratePerSec, durationMs };
    if (arrival === 'poisson') return { ...base, seed: set('seed') ? flags.seed : (executor.seed ?? freshSeed()) };
    if (arrival === 'bucket')
      return set('bucket') ? { ...base, bucketMs: flags.bucket } : executor.bucketMs !== undefined ? { ...base, bucketMs: executor.bucketMs } : base;
    return base;
  }
  const changed: Data = { ...executor };
  if (set('duration')) {
    if (type === 'ramping-arrival-rate') throw new CliError('--duration does not apply to ramping-arrival-rate: its stages set the duration');
    changed.durationMs = flags.duration;
  }
  if (set('seed')) {
    if (type !== 'poisson-arrival-rate') throw new CliError(`--seed applies only to poisson-arrival-rate, and the plan's executor is ${String(type)}`);
    changed.seed = flags.seed;
  }
  if (set('bucket')) {
    if (type !== 'bucket-rate') throw new CliError(`--bucket applies only to bucket-rate, and the plan's executor is ${String(type)}`);
    changed.bucketMs = flags.bucket;
  }
  if (set('pipelining')) {
    if (type !== 'max-throughput') throw new CliError(`--pipelining applies only to max-throughput, and the plan's executor is ${String(type)}`);
    changed.pipelining = flags.pipelining;
  }
  return changed;
}

/** The flags with the plan file's `run` section filling in what the user did not type. */
export function flagsWithRunOptions(flags: RunFlags, options: RunOptions, explicit: ReadonlySet<string>): RunFlags {
  const merged: RunFlags & Record<string, unknown> = { ...flags };
  const fill = (key: string, value: unknown): void => {
    if (value !== undefined && !explicit.has(key)) merged[key] = value;
  };
  for (const key of ['out', 'html', 'csv', 'hlog', 'ndjson', 'ndjsonSample', 'quiet', 'probe', 'workers', 'jit'] as const) fill(key, options[key]);
  fill('progress', options.progressMs);
  for (const [key, value] of Object.entries(metricsFlagsOfRunOptions(options))) fill(key, value);
  // Validated with the plan: true is the default address, false none.
  if (typeof options.dashboard === 'string') fill('dashboard', parseListenAddress(options.dashboard));
  else if (options.dashboard === true) fill('dashboard', true);
  if (options.startAt !== undefined && !explicit.has('startAt')) {
    try {
      merged.startAt = parseStartAt(options.startAt, Date.now());
    } catch (error) {
      if (error instanceof StartAtError) throw new CliError(`run.startAt: ${error.message}`);
      throw error;
    }
  }
  return merged;
}
