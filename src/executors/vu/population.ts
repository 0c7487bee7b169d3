import { kindOf, type VuExecutor } from '../../plan/executors/index.js';
import type { UserMix } from '../../plan/user-types.js';
import type { UserTypeModel } from '../../scenario/model.js';
import { apportion } from '../../scenario/weighted.js';

/** How many users of each type an executor wants at one moment, and how fast to get there. */
export interface Population {
  /** Index into the `phases` executor's phases; 0 for the other executors. */
  phase: number;
  /** Which start of a phase this is over the run (phases repeat under runTimeMs): a new step is a new phase begun. */
  step: number;
  /** Entering this phase restarts every user. */
  restart: boolean;
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
  return kindOf(executor)
    .users!.mixes(executor)
    .map(({ mix }) =>
      types.map((type) => {
        const entry = mix?.find(({ name }) => name === type.name);
        return entry?.minWaitMs !== undefined && entry.maxWaitMs !== undefined
          ? { minWaitMs: entry.minWaitMs, maxWaitMs: entry.maxWaitMs }
          : { minWaitMs: type.minWaitMs, maxWaitMs: type.maxWaitMs };
      }),
    );
}

/** What `executor` wants at `elapsedMs` into the run, for user types in this order. */
export function populationAt(executor: VuExecutor, types: readonly { name: string; weight: number }[], elapsedMs: number): Population {
  const { phase, step, users, mix, spawnRate, restart } = kindOf(executor).users!.at(executor, elapsedMs);
  return { phase, step: step ?? phase, restart: restart === true, counts: apportion(users, mixWeights(types, mix)), spawnRate };
}

/**
 * How long each phase and each user type (in the order of `types`) ran over the first `elapsedMs`:
 * a type runs in the phases whose mix gives it users. Undefined for kinds without phases, whose
 * groups all run the whole time. Req/s of a group is over its own time.
 */
export function groupTimesMs(
  executor: VuExecutor,
  types: readonly { name: string; weight: number }[],
  elapsedMs: number,
): { phases: number[]; userTypes: number[] } | undefined {
  const users = kindOf(executor).users!;
  if (users.phases === undefined) return undefined;
  const phases = users.phases.timesMs(executor, elapsedMs);
  const phaseUsers = users.phases.users(executor);
  const counts = users.mixes(executor).map(({ mix }, phase) => apportion(phaseUsers[phase]!, mixWeights(types, mix)));
  const userTypes = types.map((_, type) => phases.reduce((sum, timeMs, phase) => sum + (counts[phase]![type]! > 0 ? timeMs : 0), 0));
  return { phases, userTypes };
}
