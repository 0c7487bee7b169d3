import { kindOf, mixesOf, type VuExecutor } from '../plan/executors/index.js';
import type { Plan } from '../plan/schema.js';
import { DataSets } from '../scenario/data.js';
import { userTypesFromDefinition } from '../scenario/from-definition.js';
import { userTypeFromSpec } from '../scenario/from-yaml.js';
import { builtinOf } from '../scenario/builtin/index.js';
import { loadScenarioModule } from '../scenario/load-scenario.js';
import type { UserTypeModel } from '../scenario/model.js';
import { SetupError } from './setup-error.js';

/** What virtual users need before a run starts: their types, compiled or loaded, and the data files, read. */
export interface PreparedUsers {
  types: UserTypeModel[];
  data: DataSets;
  /** A built-in scenario's way to read the target's own statistics after the run, when it has one. */
  targetStatistics?: () => Promise<Record<string, number> | undefined>;
}

/** Every type a mix names must exist among the scenario's (a plan's own types were checked by the schema). */
function checkMixes(executor: VuExecutor, types: readonly UserTypeModel[], file: string): void {
  const known = new Set(types.map((type) => type.name));
  const problems = mixesOf(executor).flatMap(({ mix, path }) =>
    mix.flatMap(({ name }, index) =>
      known.has(name) ? [] : [`${[...path, index].join('.')}.name: no user type named "${name}" in ${file} (it has: ${[...known].join(', ')})`],
    ),
  );
  if (problems.length > 0) throw new SetupError(problems.join('; '), 'ERR_SCENARIO_INVALID');
}

/** Loads the user types (YAML ones compiled, a scenario file bundled and imported) and reads the data files. */
export async function prepareUsers(plan: Plan & { executor: VuExecutor }): Promise<PreparedUsers> {
  let types: UserTypeModel[];
  const builtin = plan.scenario === undefined ? undefined : builtinOf(plan.scenario);
  if (plan.scenario !== undefined) {
    // The plan was validated, so a built-in's options parse (again, for their type).
    const definition = builtin ? builtin.scenario(builtin.options.parse(plan.scenarioOptions ?? {})) : await loadScenarioModule(plan.scenario);
    types = userTypesFromDefinition(plan.scenario, definition);
    checkMixes(plan.executor, types, plan.scenario);
  } else {
    types = plan.userTypes!.map(userTypeFromSpec);
  }
  const data = plan.data ? await DataSets.read(plan.data, () => kindOf(plan.executor).users!.peak(plan.executor)) : DataSets.empty();
  const base = new URL(plan.target.url);
  return { types, data, ...(builtin?.targetStatistics ? { targetStatistics: () => builtin.targetStatistics!(base) } : {}) };
}
