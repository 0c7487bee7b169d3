import { resolve } from 'node:path';
import { Document } from 'yaml';
import type { Plan } from '../plan/schema.js';
import { withPathsForFile, withPathsFromFile } from '../plan/paths.js';
import { PlanError, validatePlan } from '../plan/validate.js';
import type { ScenarioDefinition } from '../scenario/api.js';
import { ScenarioError, userTypesFromDefinition } from '../scenario/from-definition.js';
import type { UserTypeModel } from '../scenario/model.js';
import { parseLocustConfig, type LocustPhase, type LocustUserType } from './locust-config.js';
import { TextFormatError } from './text-format.js';
import { SalvoError, type SalvoErrorOptions } from '../errors.js';

/** A config that cannot become a plan; the message is one line that names the file (and the place in it, when there is one). */
export class ImportError extends SalvoError {
  override name = 'ImportError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_IMPORT', message, options);
  }
}

export interface LocustImportInput {
  /** The config file as given, for messages and the plan's header, and its text. */
  configFile: string;
  configText: string;
  /** The scenario file as given: the plan refers to it by this path. */
  scenarioFile: string;
  /** The scenario file's default export, loaded (see loadScenarioModule). */
  definition: unknown;
  /** --target: replaces the URL of the scenario's plan.target. */
  target?: string;
  /** --run-time: the phases start over until this much time has passed (the wrapper's --run_time). */
  runTimeMs?: number;
  /** Where the plan will be written (-o): the files it names are made relative to it; without it, relative to the working directory. */
  planFile?: string;
}

export interface LocustImport {
  /** The plan as written to the file: only what the config and scenario give, defaults left to the reader. */
  data: Record<string, unknown>;
  /** The same, validated. */
  plan: Plan;
  /** The plan file's text: a header saying where it came from, then the plan. */
  yaml: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A phase's user type as a mix entry. Locust gives each user type its think time per phase, salvo's user types
 * have one each; so the entry overrides the scenario's think time for the phase only where the config differs.
 */
function mixEntry(type: LocustUserType, scenarioType: UserTypeModel): Record<string, unknown> {
  const sameWait = type.minWaitMs === scenarioType.minWaitMs && type.maxWaitMs === scenarioType.maxWaitMs;
  return { name: type.name, weight: type.ratio, ...(sameWait ? {} : { minWaitMs: type.minWaitMs, maxWaitMs: type.maxWaitMs }) };
}

function phaseOf(phase: LocustPhase, types: ReadonlyMap<string, UserTypeModel>, input: LocustImportInput): Record<string, unknown> {
  const userTypes = phase.userTypes.map((type) => {
    const scenarioType = types.get(type.name);
    if (!scenarioType) {
      throw new ImportError(
        `${input.configFile}:${type.at.line}:${type.at.col}: user type "${type.name}" is not in ${input.scenarioFile} (it has: ${[...types.keys()].join(', ')})`,
      );
    }
    return mixEntry(type, scenarioType);
  });
  // No user types in a phase: every type of the scenario, at its own weight. The wrapper ran a new Locust per
  // phase, spawning from 0 at the phase's hatch rate: restart keeps that.
  return {
    durationMs: phase.durationSec * 1000,
    users: phase.users,
    spawnRate: phase.hatchRatePerSec,
    restart: true,
    ...(userTypes.length > 0 ? { userTypes } : {}),
  };
}

/** The plan's target: --target's URL over the scenario's plan.target (keeping its method and headers), or an error asking for one. */
function targetOf(declared: unknown, input: LocustImportInput): unknown {
  if (input.target !== undefined) return { ...(isRecord(declared) ? declared : {}), url: input.target };
  if (declared === undefined) throw new ImportError(`${input.scenarioFile} declares no plan.target: give --target <url>`);
  return declared;
}

/**
 * Turns the seed system's Locust load config (protobuf text format) into a plan of virtual users: each phase a
 * phase of the `phases` executor, each user type one of the scenario's by name. The rest of the scenario's own
 * plan (data sets, thresholds, connections, ...) is kept, so the plan runs as the scenario would; its executor is
 * replaced.
 */
export function importLocustConfig(input: LocustImportInput): LocustImport {
  let phases: LocustPhase[];
  try {
    phases = parseLocustConfig(input.configText);
  } catch (error) {
    if (error instanceof TextFormatError) throw new ImportError(`${input.configFile}:${error.message}`);
    throw error;
  }
  let types: UserTypeModel[];
  try {
    types = userTypesFromDefinition(input.scenarioFile, input.definition);
  } catch (error) {
    if (error instanceof ScenarioError) throw new ImportError(error.message);
    throw error;
  }
  const byName = new Map(types.map((type) => [type.name, type]));
  const declared: Record<string, unknown> = isRecord((input.definition as Partial<ScenarioDefinition>).plan)
    ? { ...(input.definition as ScenarioDefinition).plan }
    : {};
  // The executor is the config's now.
  const { executor: _replaced, target, ...kept } = declared;
  const executor = {
    type: 'phases',
    phases: phases.map((phase) => phaseOf(phase, byName, input)),
    ...(input.runTimeMs !== undefined ? { runTimeMs: input.runTimeMs } : {}),
  };
  // The scenario's own plan names files relative to the scenario; the plan names them relative to itself.
  const fromScenario = withPathsFromFile({ target: targetOf(target, input), ...kept }, input.scenarioFile) as Record<string, unknown>;
  const absolute = { scenario: resolve(input.scenarioFile), target: fromScenario.target, executor, ...fromScenario };
  const data = withPathsForFile(absolute, input.planFile ?? 'plan.yaml') as Record<string, unknown>;
  let plan: Plan;
  try {
    plan = validatePlan(absolute);
  } catch (error) {
    if (error instanceof PlanError) throw new ImportError(`${input.configFile} makes an invalid plan: ${error.problems.join('; ')}`);
    throw error;
  }
  const document = new Document(data);
  document.commentBefore = [
    ` Imported by \`salvo import\` from ${input.configFile} (a Locust load config), with the user types of ${input.scenarioFile}.`,
    ` Each phase is one of the config's, its users started afresh (restart) as the wrapper's Locust per phase did; a user type's`,
    ` minWaitMs/maxWaitMs is the config's think time where it differs from the scenario's.${input.runTimeMs !== undefined ? ' The phases repeat until runTimeMs.' : ''}`,
    ` Files are named relative to this plan file.`,
    ` Run it with: salvo run <this file>`,
  ].join('\n');
  return { data, plan, yaml: document.toString() };
}
