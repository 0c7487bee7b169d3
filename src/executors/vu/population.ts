import { phaseStepAt, phaseTimesMs } from '../../plan/phase-schedule.js';
import type { VuExecutor } from '../../plan/schema.js';
import type { UserMix } from '../../plan/user-types.js';
import type { UserTypeModel } from '../../scenario/model.js';
import { apportion } from '../../scenario/weighted.js';

/** How many users of each type an executor wants at one moment, and how fast to get there. */
export interface Population {
  /** Index into the `phases` executor's phases; 0 for the other executors. */
  phase: number;
  /** Which start of a phase this is over the run (phases repeat under runTimeMs); 0 for the other executors. */
  step: number;
  /** Users wanted per user type, in the order of the types given. */
  counts: number[];
  /** Users started or stopped per second on the way to `counts`; Infinity means all at once. */
  spawnRate: number;
}

/** The mix as one weight per type: the mix's weight for the types it names (0 for the rest), or each type's own weight. */
export function mixWeights(types: readonly { name: string; weight: number }[], mix: UserMix | undefined): number[] {
  if (!mix) return types.map((type) => type.weight);
  return types.map((type) => mix.find((entry) => entry.name === type.name)?.weight ?? 0);
}

/** How long a user waits after each task: uniform between the two. */
export type ThinkTime = Pick<UserTypeModel, 'minWaitMs' | 'maxWaitMs'>;

/**
 * Each type's think time in each phase (one phase for executors without phases): the mix entry's override,
 * else the type's own. Looked up when a user waits, so a user that lives on into a later phase takes that
 * phase's think time, as it would in the Locust run a phase stands for.
 */
export function thinkTimesByPhase(executor: VuExecutor, types: readonly Pick<UserTypeModel, 'name' | 'minWaitMs' | 'maxWaitMs'>[]): ThinkTime[][] {
  const mixes = executor.type === 'phases' ? executor.phases.map((phase) => phase.userTypes) : [executor.userTypes];
  return mixes.map((mix) =>
    types.map((type) => {
      const entry = mix?.find(({ name }) => name === type.name);
      return entry?.minWaitMs !== undefined && entry.maxWaitMs !== undefined ? { minWaitMs: entry.minWaitMs, maxWaitMs: entry.maxWaitMs } : { minWaitMs: type.minWaitMs, maxWaitMs: type.maxWaitMs };
    }),
  );
}

/** The user count of a ramping-vus executor at `elapsedMs`: linear within each stage, as k6 ramps it. */
function rampedUsers(executor: Extract<VuExecutor, { type: 'ramping-vus' }>, elapsedMs: number): number {
  let from = executor.startVus;
  let stageStartMs = 0;
  for (const stage of executor.stages) {
    if (elapsedMs < stageStartMs + stage.durationMs) {
      return Math.round(from + ((stage.targetVus - from) * (elapsedMs - stageStartMs)) / stage.durationMs);
    }
    from = stage.targetVus;
    stageStartMs += stage.durationMs;
  }
  return from;
}

/** The phase of a `phases` executor running at `elapsedMs` (the last one started once they are all over). */
export function phaseAt(executor: Extract<VuExecutor, { type: 'phases' }>, elapsedMs: number): number {
  return phaseStepAt(executor, elapsedMs).phase;
}

/** What `executor` wants at `elapsedMs` into the run, for user types in this order. */
export function populationAt(executor: VuExecutor, types: readonly { name: string; weight: number }[], elapsedMs: number): Population {
  switch (executor.type) {
    case 'constant-vus':
      return { phase: 0, step: 0, counts: apportion(executor.vus, mixWeights(types, executor.userTypes)), spawnRate: Infinity };
    case 'ramping-vus':
      return { phase: 0, step: 0, counts: apportion(rampedUsers(executor, elapsedMs), mixWeights(types, executor.userTypes)), spawnRate: Infinity };
    case 'phases': {
      const { phase, step } = phaseStepAt(executor, elapsedMs);
      const { users, spawnRate, userTypes } = executor.phases[phase]!;
      return { phase, step, counts: apportion(users, mixWeights(types, userTypes)), spawnRate };
    }
  }
}

/** The most users the executor ever wants at once: how many ways split data is divided. */
export function peakUsers(executor: VuExecutor): number {
  switch (executor.type) {
    case 'constant-vus':
      return executor.vus;
    case 'ramping-vus':
      return Math.max(executor.startVus, ...executor.stages.map((stage) => stage.targetVus));
    case 'phases':
      return Math.max(...executor.phases.map((phase) => phase.users));
  }
}

/**
 * How long each phase and each user type (in the order of `types`) ran over the first `elapsedMs`:
 * a type runs in the phases whose mix gives it users. Undefined for executors without phases, whose
 * groups all run the whole time. Req/s of a group is over its own time.
 */
export function groupTimesMs(executor: VuExecutor, types: readonly { name: string; weight: number }[], elapsedMs: number): { phases: number[]; userTypes: number[] } | undefined {
  if (executor.type !== 'phases') return undefined;
  const phases = phaseTimesMs(executor, elapsedMs);
  const counts = executor.phases.map((phase) => apportion(phase.users, mixWeights(types, phase.userTypes)));
  const userTypes = types.map((_, type) => phases.reduce((sum, timeMs, phase) => sum + (counts[phase]![type]! > 0 ? timeMs : 0), 0));
  return { phases, userTypes };
}

/** Names of the breakdown's phases: one per phase of a `phases` executor, none otherwise. */
export function phaseNames(executor: VuExecutor): string[] {
  if (executor.type !== 'phases') return [];
  let startMs = 0;
  return executor.phases.map((phase, index) => {
    const name = `phase ${index + 1} (${phase.users} users, from ${startMs / 1000} s)`;
    startMs += phase.durationMs;
    return name;
  });
}
