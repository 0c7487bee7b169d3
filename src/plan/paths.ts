// Files a plan names (its scenario, data sets, body, proto, CA) are relative to the plan file,
// as a reader of the file expects, not to wherever salvo happens to run.

import { dirname, isAbsolute, relative, resolve } from 'node:path';

type Data = Record<string, unknown>;

const isData = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A target's fields that name a file. */
const TARGET_FILE_FIELDS = ['bodyFile', 'payloadFile', 'caFile', 'proto'] as const;

/** A built-in scenario is named, not a file (the same prefix as scenario/builtin's). */
const BUILTIN_PREFIX = 'builtin:';

/**
 * A copy of plan data with `map` applied to every file it names: `scenario` (unless built-in),
 * `data.*.file`, and the target's (and each extra scenario's target's) `bodyFile`, `caFile` and
 * `proto`. Values that are not non-empty strings are left for validation to refuse.
 */
export function mapPlanPaths(data: unknown, map: (path: string) => string): unknown {
  if (!isData(data)) return data;
  const apply = (path: unknown): unknown => (typeof path === 'string' && path !== '' ? map(path) : path);
  const inTarget = (target: unknown): unknown => {
    if (!isData(target)) return target;
    const copy: Data = { ...target };
    for (const field of TARGET_FILE_FIELDS) if (field in copy) copy[field] = apply(copy[field]);
    return copy;
  };
  const copy: Data = { ...data };
  if (typeof copy.scenario === 'string' && !copy.scenario.startsWith(BUILTIN_PREFIX)) copy.scenario = apply(copy.scenario);
  if ('target' in copy) copy.target = inTarget(copy.target);
  if (isData(copy.data)) {
    copy.data = Object.fromEntries(Object.entries(copy.data).map(([name, set]) => [name, isData(set) ? { ...set, file: apply(set.file) } : set]));
  }
  if (isData(copy.scenarios)) {
    copy.scenarios = Object.fromEntries(
      Object.entries(copy.scenarios).map(([name, scenario]) => [
        name,
        isData(scenario) && 'target' in scenario ? { ...scenario, target: inTarget(scenario.target) } : scenario,
      ]),
    );
  }
  return copy;
}

/** Plan data read from `file` with the files it names made absolute against the file's directory. */
export function withPathsFromFile(data: unknown, file: string): unknown {
  const baseDir = dirname(resolve(file));
  return mapPlanPaths(data, (path) => (isAbsolute(path) ? path : resolve(baseDir, path)));
}

/** Plan data about to be written to `file` with its (absolute) file names made relative to the file's directory. */
export function withPathsForFile(data: unknown, file: string): unknown {
  const baseDir = dirname(resolve(file));
  return mapPlanPaths(data, (path) => relative(baseDir, resolve(path)) || '.');
}
