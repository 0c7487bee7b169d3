import { SalvoError } from '../errors.js';
import { basename, dirname, extname, resolve as resolvePath } from 'node:path';
import { formatIssues, PlanError, PlanFileError, readPlanFile, validatePlan, type Plan } from '../plan/index.js';
import { longestDurationMs } from '../plan/schema.js';
import { freshSeed } from '../schedule/random.js';
import { ARRIVAL_NAMES, isArrivalName } from '../plan/arrival.js';
import { cellPlanData, cellsOf, describeCell, runOrder, runSeed, type Cell, type CellRun, type GridKey } from './cells.js';
import { sweepSchema, valuesOf, type SweepDefinition } from './definition.js';
import { classifyGridKey, placeholdersIn } from './grid-keys.js';

/** A sweep that cannot run; `problems` holds every problem, each as "path: message". */
export class SweepError extends SalvoError {
  override name = 'SweepError';
  constructor(
    readonly problems: string[],
    readonly file?: string,
  ) {
    super('ERR_SWEEP_INVALID', `invalid sweep${file ? ` ${file}` : ''}: ${problems.join('; ')}`);
  }
}

/** A run of the study with its validated plan. */
export interface PlannedRun extends CellRun {
  plan: Plan;
}

/** A sweep checked from end to end: every cell's plan validated, in the order the runs go. */
export interface ResolvedSweep {
  definition: SweepDefinition;
  name: string;
  keys: GridKey[];
  cells: Cell[];
  runs: PlannedRun[];
  seed: number;
  /** Sending time of the whole study with the pauses between cells, ms. */
  totalMs: number;
}

export interface ResolveOptions {
  /** Where a `plan: file.yaml` is looked for: the sweep file's directory (default: the working directory). */
  baseDir?: string;
  /** Names the study when the sweep has no name; also shown in problems. */
  file?: string;
  /** The seed to use when the sweep sets none (a resumed study passes the one it recorded). */
  seed?: number;
}

type Data = Record<string, unknown>;

/** Validates a sweep and every cell's plan before anything runs; throws SweepError listing every problem. */
export function resolveSweep(input: unknown, options: ResolveOptions = {}): ResolvedSweep {
  const parsed = sweepSchema.safeParse(input);
  if (!parsed.success) throw new SweepError(formatIssues(parsed.error.issues), options.file);
  const definition = parsed.data;
  const base = basePlanData(definition, options);
  const placeholders = placeholdersIn(base);
  const problems: string[] = [];
  const keys: GridKey[] = [];
  for (const [key, values] of Object.entries(definition.grid)) {
    const kind = classifyGridKey(key, new Set(placeholders.keys()));
    if (typeof kind === 'string') problems.push(`grid.${key}: ${kind}`);
    else keys.push({ key, kind, values: valuesOf(values) });
  }
  for (const [name, path] of placeholders) {
    if (!(name in definition.grid)) problems.push(`plan.${path.join('.')}: uses {{grid.${name}}}, and the grid has no key ${name}`);
  }
  const arrival = keys.find((key) => key.kind.kind === 'shortcut' && key.kind.name === 'arrival');
  for (const value of arrival?.values ?? []) {
    if (!isArrivalName(value)) problems.push(`grid.arrival: "${String(value)}" is not an arrival schedule (${ARRIVAL_NAMES.join(', ')})`);
  }
  const named = (key: string, path: string): void => {
    if (!(key in definition.grid)) problems.push(`${path}: "${key}" is not a grid key (${Object.keys(definition.grid).join(', ')})`);
  };
  if (definition.plots?.slowdownBy !== undefined) named(definition.plots.slowdownBy, 'plots.slowdownBy');
  definition.plots?.heatmap?.forEach((key, index) => named(key, `plots.heatmap[${index}]`));
  if (problems.length > 0) throw new SweepError(problems, options.file);
  const seed = definition.seed ?? options.seed ?? freshSeed();
  const cells = cellsOf(keys);
  const planned = runOrder(cells, definition.repeats, definition.order, seed).map((run) => ({
    run,
    plan: cellPlan(base, run, keys, definition, seed, problems),
  }));
  if (problems.length > 0) throw new SweepError(problems, options.file);
  const runs = planned.map(({ run, plan }) => ({ ...run, plan: plan! }));
  const sendingMs = runs.reduce((sum, run) => sum + longestDurationMs(run.plan), 0);
  return {
    definition,
    name: definition.name ?? (options.file ? basename(options.file, extname(options.file)) : 'sweep'),
    keys,
    cells,
    runs,
    seed,
    totalMs: sendingMs + definition.cooldownMs * Math.max(0, runs.length - 1),
  };
}

/** The base plan's data: read from its file (relative to the sweep file) or given inline. */
function basePlanData(definition: SweepDefinition, options: ResolveOptions): Data {
  if (typeof definition.plan !== 'string') return definition.plan;
  const file = resolvePath(options.baseDir ?? '.', definition.plan);
  let data: unknown;
  try {
    data = readPlanFile(file);
  } catch (error) {
    if (error instanceof PlanFileError) throw new SweepError([`plan: ${error.problems[0]!}`], options.file);
    throw error;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new SweepError([`plan: ${definition.plan} holds no plan (a mapping of fields)`], options.file);
  return data as Data;
}

/** One run's plan, validated; its problems are added under the cell's name (only the first cell that has a problem names it). */
function cellPlan(base: Data, run: CellRun, keys: GridKey[], definition: SweepDefinition, seed: number, problems: string[]): Plan | undefined {
  const data = cellPlanData(base, run.cell.params, {
    keys,
    seed: runSeed(seed, run),
    ...(definition.durationMs !== undefined ? { durationMs: definition.durationMs } : {}),
    ...(definition.warmupMs !== undefined ? { warmupMs: definition.warmupMs } : {}),
  });
  try {
    return validatePlan(data);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    // A mistake of the base plan shows in every cell: said once, by the first cell that has it.
    const seen = new Set(problems.map((problem) => problem.slice(problem.indexOf(': plan.') + 2)));
    for (const problem of error.problems) if (!seen.has(`plan.${problem}`)) problems.push(`cell ${describeCell(run.cell)}: plan.${problem}`);
    return undefined;
  }
}

/** The sweep file's directory, where its plan file is looked for. */
export const baseDirOf = (file: string): string => dirname(resolvePath(file));
