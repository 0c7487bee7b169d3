import { z } from 'zod';
import { msField } from '../plan/duration.js';

/** Most values one grid key may take, so a step typed in the wrong unit fails at once instead of planning a study of years. */
export const MAX_VALUES_PER_KEY = 1000;

const gridValue = z.union([z.number(), z.string(), z.boolean()]);

/** `{from: 100, to: 1000, step: 100}`: from, from + step, ... up to `to` inclusive. */
const gridRange = z
  .strictObject({ from: z.number(), to: z.number(), step: z.number().positive() })
  .refine((range) => range.to >= range.from, { message: 'to must not be below from' })
  .refine((range) => Math.floor((range.to - range.from) / range.step + 1e-9) + 1 <= MAX_VALUES_PER_KEY, {
    message: `gives more than ${MAX_VALUES_PER_KEY} values`,
  });

const gridValues = z.union([z.array(gridValue).min(1, 'needs at least one value').max(MAX_VALUES_PER_KEY), gridRange], {
  error: 'must be a list of values or {from, to, step}',
});

/** A grid key: a dotted plan path (executor.ratePerSec), a shortcut (rate, arrival) or a placeholder name (spinMs). */
const gridKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'must be a plan path (executor.ratePerSec) or a name of letters, digits and _');

export const sweepSchema = z.strictObject({
  version: z.literal(1).default(1),
  /** Names the study and its default directory, logs/<name>/; default: the sweep file's name. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a folder name of letters, digits, ., _ and -')
    .optional(),
  /** The base plan: a plan file (relative to the sweep file) or the plan itself. */
  plan: z.union([z.string().min(1), z.record(z.string(), z.unknown())], { error: 'must be a plan file name or a plan' }),
  /** Each key's values; every combination is one cell. */
  grid: z.record(gridKey, gridValues).refine((grid) => Object.keys(grid).length > 0, { message: 'needs at least one key' }),
  /** Runs of each cell; their histograms are merged into the cell's row. */
  repeats: z.number().int().min(1).max(1000).default(1),
  /** Each cell's duration (the executor's durationMs), warm-up included; default: the plan's. */
  durationMs: msField(z.number().int().positive()).optional(),
  /** The first part of each cell measured apart and left out of its summary (the plan's warmupMs). */
  warmupMs: msField(z.number().int().min(0)).optional(),
  /** A pause between cells, so one cell's backlog does not spill into the next. */
  cooldownMs: msField(z.number().int().min(0)).default(0),
  /** shuffled (default): cells run in a random order drawn from `seed`, so slow drift of the machine does not pass for an effect. */
  order: z.enum(['shuffled', 'fixed']).default('shuffled'),
  /** Which keys some plots use: slowdown is drawn against `slowdownBy` (default: a key named like spin, else the first), the heatmap over `heatmap` (default: the first two keys). */
  plots: z
    .strictObject({
      slowdownBy: z.string().optional(),
      heatmap: z.tuple([z.string(), z.string()]).optional(),
    })
    .optional(),
  /** The shuffle's seed and the root of every Poisson cell's seed; drawn and recorded when not given. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});

export type SweepInput = z.input<typeof sweepSchema>;
export type SweepDefinition = z.output<typeof sweepSchema>;
export type GridValue = z.infer<typeof gridValue>;
export type GridValues = z.output<typeof gridValues>;

/** The values a grid entry stands for; a range's steps are rounded to 9 digits so 0.1 steps land on 0.3, not 0.30000000000000004. */
export function valuesOf(values: GridValues): GridValue[] {
  if (Array.isArray(values)) return values;
  const count = Math.floor((values.to - values.from) / values.step + 1e-9) + 1;
  return Array.from({ length: count }, (_, index) => Number((values.from + index * values.step).toPrecision(12)));
}
