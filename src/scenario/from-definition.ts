import { SalvoError } from '../errors.js';
import type { ScenarioDefinition, TaskEntry, UserTypeDefinition } from './api.js';
import type { Step, TaskNode, UserTypeModel } from './model.js';

/** A scenario file whose default export is not a usable scenario; `problems` name each place, like a plan's. */
export class ScenarioError extends SalvoError {
  override name = 'ScenarioError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super('ERR_SCENARIO_INVALID', `invalid scenario ${file}: ${problems.join('; ')}`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPositiveInteger = (value: unknown): boolean => Number.isInteger(value) && (value as number) > 0;

function taskNode(name: string, entry: TaskEntry, path: string, problems: string[]): TaskNode | undefined {
  if (typeof entry === 'function') return { name, weight: 1, run: entry, iterations: 1 };
  if (!isRecord(entry)) {
    problems.push(`${path}: must be a function, { weight, run } or a task set { weight, iterations, tasks }`);
    return undefined;
  }
  const weight = entry.weight ?? 1;
  if (!isPositiveInteger(weight)) problems.push(`${path}.weight: must be a positive integer`);
  if ('run' in entry && typeof entry.run === 'function') return { name, weight: weight as number, run: entry.run as Step, iterations: 1 };
  if ('tasks' in entry) {
    const iterations = (entry as { iterations?: unknown }).iterations ?? 1;
    if (!isPositiveInteger(iterations)) problems.push(`${path}.iterations: must be a positive integer`);
    const tasks = taskNodes(entry.tasks, `${path}.tasks`, problems);
    return tasks ? { name, weight: weight as number, tasks, iterations: iterations as number } : undefined;
  }
  problems.push(`${path}: needs run (a function) or tasks (a task set)`);
  return undefined;
}

function taskNodes(tasks: unknown, path: string, problems: string[]): TaskNode[] | undefined {
  if (!isRecord(tasks) || Object.keys(tasks).length === 0) {
    problems.push(`${path}: must be an object with at least one task`);
    return undefined;
  }
  const nodes = Object.entries(tasks).map(([name, entry]) => taskNode(name, entry as TaskEntry, `${path}.${name}`, problems));
  return nodes.every((node) => node !== undefined) ? (nodes as TaskNode[]) : undefined;
}

function waitOf(value: unknown, path: string, problems: string[]): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0)) problems.push(`${path}: must be a number of milliseconds ≥ 0`);
  return typeof value === 'number' ? value : 0;
}

function userType(name: string, definition: UserTypeDefinition, problems: string[]): UserTypeModel | undefined {
  const path = `userTypes.${name}`;
  if (!isRecord(definition)) {
    problems.push(`${path}: must be an object with tasks`);
    return undefined;
  }
  const weight = definition.weight ?? 1;
  if (!isPositiveInteger(weight)) problems.push(`${path}.weight: must be a positive integer`);
  const minWaitMs = waitOf(definition.minWaitMs, `${path}.minWaitMs`, problems);
  const maxWaitMs = waitOf(definition.maxWaitMs ?? definition.minWaitMs, `${path}.maxWaitMs`, problems);
  if (maxWaitMs < minWaitMs) problems.push(`${path}.maxWaitMs: must not be less than minWaitMs`);
  for (const hook of ['onStart', 'onStop'] as const) {
    if (definition[hook] !== undefined && typeof definition[hook] !== 'function') problems.push(`${path}.${hook}: must be a function`);
  }
  const tasks = taskNodes(definition.tasks, `${path}.tasks`, problems);
  if (!tasks) return undefined;
  return {
    name,
    weight: weight as number,
    minWaitMs,
    maxWaitMs,
    ...(definition.onStart ? { onStart: definition.onStart } : {}),
    ...(definition.onStop ? { onStop: definition.onStop } : {}),
    tasks,
  };
}

/** The user types of a scenario file's definition, checked; every problem is reported at once. */
export function userTypesFromDefinition(file: string, definition: unknown): UserTypeModel[] {
  if (!isRecord(definition) || !isRecord((definition as Partial<ScenarioDefinition>).userTypes)) {
    throw new ScenarioError(file, ['the default export must be defineScenario({ userTypes: { ... } })']);
  }
  const problems: string[] = [];
  const entries = Object.entries((definition as unknown as ScenarioDefinition).userTypes);
  if (entries.length === 0) problems.push('userTypes: needs at least one user type');
  const types = entries.map(([name, type]) => userType(name, type, problems));
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return types as UserTypeModel[];
}
