import { ARRIVAL_EXECUTOR_TYPES, isArrivalName } from '../plan/arrival.js';
import { seededRandom } from '../schedule/random.js';
import type { GridValue } from './definition.js';
import { GRID_PLACEHOLDER, type GridKeyKind } from './grid-keys.js';

/** One combination of grid values. */
export interface Cell {
  /** Its place in the grid's own order (first key outermost), from 0. */
  index: number;
  /** The value of each grid key, keyed as in the sweep file. */
  params: Record<string, GridValue>;
  /** Names the cell in file names and the manifest: "rate-20_arrival-poisson_spinMs-5". */
  id: string;
}

/** One run of a cell; `repeat` counts from 1. */
export interface CellRun {
  cell: Cell;
  repeat: number;
  /** The run's result file in the study directory. */
  file: string;
}

export interface GridKey {
  key: string;
  kind: GridKeyKind;
  values: GridValue[];
}

/** Keeps letters, digits, . and -; anything else becomes ~XX, so different values never share a file name. */
const fileSafe = (text: string): string =>
  text.replace(/[^A-Za-z0-9.-]/g, (character) => [...Buffer.from(character)].map((byte) => `~${byte.toString(16).padStart(2, '0')}`).join(''));

/** Every combination of the keys' values, the first key outermost. */
export function cellsOf(keys: readonly Pick<GridKey, 'key' | 'values'>[]): Cell[] {
  let combinations: Record<string, GridValue>[] = [{}];
  for (const { key, values } of keys) combinations = combinations.flatMap((params) => values.map((value) => ({ ...params, [key]: value })));
  return combinations.map((params, index) => ({
    index,
    params,
    id: Object.entries(params)
      .map(([key, value]) => `${fileSafe(key)}-${fileSafe(String(value))}`)
      .join('_'),
  }));
}

/** "rate=20 arrival=poisson spinMs=5", for people. */
export const describeCell = (cell: Cell): string =>
  Object.entries(cell.params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');

/**
 * Every run of the study in the order it runs: fixed walks cells in grid order, repeats of a cell
 * together; shuffled draws one order of all runs from the seed, so repeats of a cell are spread over the
 * study and drift of the machine over time spreads over every cell instead of following the grid.
 */
export function runOrder(cells: readonly Cell[], repeats: number, order: 'shuffled' | 'fixed', seed: number): CellRun[] {
  const runs = cells.flatMap((cell) => Array.from({ length: repeats }, (_, index) => ({ cell, repeat: index + 1, file: `${cell.id}.r${index + 1}.json` })));
  if (order === 'fixed') return runs;
  const random = seededRandom(seed);
  for (let index = runs.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [runs[index], runs[other]] = [runs[other]!, runs[index]!];
  }
  return runs;
}

/** A 32-bit seed of its own for each cell and repeat, from the study's seed: the same on a resumed run, whatever the order. */
export function runSeed(studySeed: number, run: Pick<CellRun, 'cell' | 'repeat'>): number {
  // FNV-1a over the text; enough to give neighbouring cells unrelated schedules.
  let hash = 0x811c9dc5;
  for (const character of `${studySeed}/${run.cell.id}/${run.repeat}`) hash = Math.imul(hash ^ character.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

type Data = Record<string, unknown>;
const isData = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sets `path` in `data`, making the objects on the way. */
function setPath(data: Data, path: readonly string[], value: unknown): void {
  let node = data;
  for (const part of path.slice(0, -1)) {
    if (!isData(node[part]) && !Array.isArray(node[part])) node[part] = {};
    node = node[part] as Data;
  }
  node[path.at(-1)!] = value;
}

/** The executor with another arrival schedule: its rate and duration kept, the fields of the old schedule dropped. */
function withArrival(executor: Data, arrival: string): Data {
  const type = isArrivalName(arrival) ? ARRIVAL_EXECUTOR_TYPES[arrival] : arrival;
  const kept: Data = { type, ratePerSec: executor.ratePerSec, durationMs: executor.durationMs };
  if (type === 'bucket-rate' && executor.bucketMs !== undefined) kept.bucketMs = executor.bucketMs;
  if (type === 'poisson-arrival-rate' && executor.seed !== undefined) kept.seed = executor.seed;
  return kept;
}

function substitute(data: unknown, params: Record<string, GridValue>): unknown {
  if (typeof data === 'string') return data.replace(GRID_PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
  if (Array.isArray(data)) return data.map((item) => substitute(item, params));
  if (isData(data)) return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, substitute(value, params)]));
  return data;
}

export interface CellPlanOptions {
  keys: readonly GridKey[];
  durationMs?: number;
  warmupMs?: number;
  /** This run's Poisson seed, used unless the grid sets executor.seed itself. */
  seed: number;
}

/**
 * The plan data of one run of a cell, not yet validated: the base plan with the cell's values set, its
 * placeholders filled, and the sweep's per-cell duration and warm-up. The base plan's `run` section
 * (how `salvo run` runs it) is left out: the sweep runs the cells.
 */
export function cellPlanData(base: Data, params: Record<string, GridValue>, options: CellPlanOptions): Data {
  const { run: _run, ...plan } = structuredClone(base);
  const keys = [...options.keys].sort((a, b) => Number(isArrivalShortcut(b)) - Number(isArrivalShortcut(a)));
  for (const { key, kind } of keys) {
    const value = params[key];
    if (kind.kind === 'path') setPath(plan, kind.path, value);
    else if (kind.kind === 'shortcut' && kind.name === 'rate') setPath(plan, ['executor', 'ratePerSec'], value);
    else if (kind.kind === 'shortcut') plan.executor = withArrival(isData(plan.executor) ? plan.executor : {}, String(value));
  }
  if (options.durationMs !== undefined) setPath(plan, ['executor', 'durationMs'], options.durationMs);
  if (options.warmupMs !== undefined) plan.warmupMs = options.warmupMs;
  const filled = substitute(plan, params) as Data;
  const executor = filled.executor;
  const seededByGrid = options.keys.some(({ key }) => key === 'executor.seed');
  if (isData(executor) && executor.type === 'poisson-arrival-rate' && !seededByGrid) executor.seed = options.seed;
  return filled;
}

const isArrivalShortcut = (key: GridKey): boolean => key.kind.kind === 'shortcut' && key.kind.name === 'arrival';
