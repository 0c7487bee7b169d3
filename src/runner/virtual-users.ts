import type { Plan, VuExecutor } from '../plan/schema.js';
import { mixesOf } from '../plan/schema.js';
import { DataFileError, DataSets } from '../scenario/data.js';
import { ScenarioError, userTypesFromDefinition } from '../scenario/from-definition.js';
import { userTypeFromSpec } from '../scenario/from-yaml.js';
import { loadScenarioModule } from '../scenario/load-scenario.js';
import type { UserTypeModel } from '../scenario/model.js';
import { peakUsers } from '../executors/vu/population.js';
import { SetupError } from './setup-error.js';

/** What virtual users need before a run starts: their types, compiled or loaded, and the data files, read. */
export interface PreparedUsers {
  types: UserTypeModel[];
  data: DataSets;
}

/** Every type a mix names must exist among the scenario's (a plan's own types were checked by the schema). */
function checkMixes(executor: VuExecutor, types: readonly UserTypeModel[], file: string): void {
  const known = new Set(types.map((type) => type.name));
  const problems = mixesOf(executor).flatMap(({ mix, path }) =>
    mix.flatMap(({ name }, index) => (known.has(name) ? [] : [`${[...path, index].join('.')}.name: no user type named "${name}" in ${file} (it has: ${[...known].join(', ')})`])),
  );
  if (problems.length > 0) throw new SetupError(problems.join('; '));
}

/** Loads the user types (YAML ones compiled, a scenario file bundled and imported) and reads the data files. */
export async function prepareUsers(plan: Plan & { executor: VuExecutor }): Promise<PreparedUsers> {
  let types: UserTypeModel[];
  try {
    if (plan.scenario !== undefined) {
      types = userTypesFromDefinition(plan.scenario, await loadScenarioModule(plan.scenario));
      checkMixes(plan.executor, types, plan.scenario);
    } else {
      types = plan.userTypes!.map(userTypeFromSpec);
    }
  } catch (error) {
    if (error instanceof ScenarioError) throw new SetupError(error.message);
    throw error;
  }
  try {
    const data = plan.data ? await DataSets.read(plan.data, () => peakUsers(plan.executor)) : DataSets.empty();
    return { types, data };
  } catch (error) {
    if (error instanceof DataFileError) throw new SetupError(error.message);
    throw error;
  }
}
