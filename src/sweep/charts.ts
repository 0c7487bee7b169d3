import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import type { SweepRow } from './aggregate.js';
import type { GridValue } from './definition.js';

// Vega-Lite, drawn by Vega's headless SVG renderer: a declarative grammar in which a faceted line
// chart or a heatmap is a few lines of spec, at about a third of ECharts' install size (23 MB with its
// d3 parts vs 67 MB for echarts + zrender); loading and drawing a study's plots take about as long with
// either (measured in bench/README.md). vega-lite stays below 6.2, whose CLI's yargs needs Node 20.19.

/** One plot of a study: a Vega-Lite spec, rendered to SVG without a browser. */
export interface StudyChart {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

export interface ChartOptions {
  /** The grid key slowdown is plotted against; default: a key named like spin or service, else the first. */
  slowdownKey?: string;
  /** The two keys of the heatmap; default: the first two. */
  heatmap?: [string, string];
}

type Datum = Record<string, number | string | null>;

/**
 * Grid keys go into the data as k0, k1, ...: Vega-Lite reads a dot in a field name as a nested field,
 * and keys such as executor.ratePerSec have one. Titles carry the names as written in the sweep file.
 */
const fieldOf = (keys: readonly string[], key: string): string => `k${keys.indexOf(key)}`;

function dataOf(keys: readonly string[], rows: readonly SweepRow[]): Datum[] {
  return rows.map((row) => {
    const { params, ...measures } = row;
    return { ...Object.fromEntries(keys.map((key, index) => [`k${index}`, params[key] ?? null])), ...measures } as Datum;
  });
}

const isNumeric = (rows: readonly SweepRow[], key: string): boolean => rows.every((row) => typeof row.params[key] === 'number');

/** Rows with every key beyond those a chart shows held at its first value, so no two rows share a mark; the caption says which. */
function heldAtFirst(keys: readonly string[], shown: readonly string[], rows: readonly SweepRow[]): { rows: SweepRow[]; note: string } {
  const held = keys.filter((key) => !shown.includes(key));
  const firsts: Record<string, GridValue | undefined> = Object.fromEntries(held.map((key) => [key, rows[0]?.params[key]]));
  const kept = rows.filter((row) => held.every((key) => row.params[key] === firsts[key]));
  return { rows: kept, note: held.length === 0 ? '' : ` Shown at ${held.map((key) => `${key}=${String(firsts[key])}`).join(', ')}.` };
}

const PANEL = { width: 260, height: 180 };

/** x by one key, a line per value of a second, a panel per value of a third. */
function linesSpec(keys: readonly string[], rows: readonly SweepRow[], x: string, measures: { field: string; title: string }[], yTitle: string): TopLevelSpec {
  const [color, column] = keys.filter((key) => key !== x);
  const data = dataOf(keys, rows);
  const encoding: Record<string, unknown> = {
    // Ticks at the grid's own values: they are what was measured.
    x: isNumeric(rows, x)
      ? { field: fieldOf(keys, x), type: 'quantitative', title: x, scale: { zero: false }, axis: { values: [...new Set(rows.map((row) => row.params[x]))] } }
      : { field: fieldOf(keys, x), type: 'ordinal', title: x },
    y: { field: 'value', type: 'quantitative', title: yTitle },
    ...(color ? { color: { field: fieldOf(keys, color), type: 'nominal', title: color } } : {}),
    ...(measures.length > 1
      ? {
          strokeDash: {
            field: 'measure',
            type: 'nominal',
            title: 'measure',
            sort: measures.map((measure) => measure.title),
            legend: { symbolType: 'stroke', symbolStrokeColor: '#334155', symbolStrokeWidth: 1.5 },
          },
        }
      : {}),
    tooltip: [...keys.map((key) => ({ field: fieldOf(keys, key), title: key })), { field: 'measure' }, { field: 'value', type: 'quantitative' }],
  };
  const transform = [
    { fold: measures.map((measure) => measure.field), as: ['measureField', 'value'] },
    { calculate: `{${measures.map((measure) => `'${measure.field}': '${measure.title}'`).join(', ')}}[datum.measureField]`, as: 'measure' },
    { filter: 'isValid(datum.value)' },
  ];
  const layer = { ...PANEL, mark: { type: 'line', point: true }, encoding };
  return (
    column
      ? {
          data: { values: data },
          transform,
          facet: { column: { field: fieldOf(keys, column), type: 'ordinal', title: column } },
          spec: layer,
          resolve: { scale: { y: 'shared' } },
        }
      : { data: { values: data }, transform, ...layer }
  ) as TopLevelSpec;
}

function heatmapSpec(keys: readonly string[], rows: readonly SweepRow[], [x, y]: [string, string]): TopLevelSpec {
  const [column] = keys.filter((key) => key !== x && key !== y);
  const cell = {
    ...PANEL,
    encoding: {
      x: { field: fieldOf(keys, x), type: 'ordinal', title: x },
      y: { field: fieldOf(keys, y), type: 'ordinal', title: y },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'latencyP99Ms', type: 'quantitative', title: 'p99 ms', scale: { scheme: 'orangered' } } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'latencyP99Ms', type: 'quantitative', format: '.1f' } } },
    ],
  };
  const data = { values: dataOf(keys, rows) };
  return (
    column ? { data, facet: { column: { field: fieldOf(keys, column), type: 'ordinal', title: column } }, spec: cell } : { data, ...cell }
  ) as TopLevelSpec;
}

/** The key slowdown is drawn against: the one named like the service time, else the first. */
function slowdownKeyOf(keys: readonly string[], chosen: string | undefined): string {
  return chosen ?? keys.find((key) => /spin|service/i.test(key)) ?? keys[0]!;
}

/** The rate key: the rate shortcut or the executor's ratePerSec, else the first key. */
const rateKeyOf = (keys: readonly string[]): string => keys.find((key) => key === 'rate' || key.endsWith('ratePerSec')) ?? keys[0]!;

/** Moves `first` to the front: the charts take x from the first key, lines from the second, panels from the third. */
const leading = (keys: readonly string[], first: string): string[] => [first, ...keys.filter((key) => key !== first)];

/** The study's plots, each for the keys it needs; a chart whose measure no cell has (slowdown) is left out. */
export function studyCharts(keys: readonly string[], rows: readonly SweepRow[], options: ChartOptions = {}): StudyChart[] {
  for (const key of [options.slowdownKey, ...(options.heatmap ?? [])]) {
    if (key !== undefined && !keys.includes(key)) throw new RangeError(`"${key}" is not a grid key (${keys.join(', ')})`);
  }
  const charts: StudyChart[] = [];
  const add = (id: string, title: string, caption: string, order: string[], shown: number, build: (keys: string[], rows: SweepRow[]) => TopLevelSpec): void => {
    const { rows: kept, note } = heldAtFirst(order, order.slice(0, shown), rows);
    charts.push({ id, title, caption: caption + note, spec: build(order, kept) });
  };
  add('latency', `Latency by ${keys[0]}`, 'Mean and p99 of the corrected latency, from the repeats’ histograms added together.', [...keys], 3, (order, kept) =>
    linesSpec(
      order,
      kept,
      order[0]!,
      [
        { field: 'latencyMeanMs', title: 'mean' },
        { field: 'latencyP99Ms', title: 'p99' },
      ],
      'latency (ms)',
    ),
  );
  const rateKey = rateKeyOf(keys);
  add('success-rate', `Success rate by ${rateKey}`, 'Completed ÷ requests due (sent and dropped).', leading(keys, rateKey), 3, (order, kept) =>
    linesSpec(order, kept, order[0]!, [{ field: 'successRate', title: 'success rate' }], 'success rate'),
  );
  if (rows.some((row) => row.slowdownP50 !== undefined)) {
    const spinKey = slowdownKeyOf(keys, options.slowdownKey);
    add(
      'slowdown',
      `Slowdown by ${spinKey}`,
      'End-to-end slowdown: latency ÷ the service time the answer reported; mean and p99.',
      leading(keys, spinKey),
      3,
      (order, kept) =>
        linesSpec(
          order,
          kept,
          order[0]!,
          [
            { field: 'slowdownMean', title: 'mean' },
            { field: 'slowdownP99', title: 'p99' },
          ],
          'slowdown (×)',
        ),
    );
  }
  if (keys.length >= 2) {
    const pair = options.heatmap ?? [keys[0]!, keys[1]!];
    add(
      'heatmap',
      `p99 latency by ${pair[0]} and ${pair[1]}`,
      'p99 of the corrected latency in ms, one square per cell.',
      [...pair, ...keys.filter((key) => !pair.includes(key))],
      3,
      (order, kept) => heatmapSpec(order, kept, pair),
    );
  }
  return charts;
}

/** A chart as a standalone SVG document, drawn by Vega in Node (no browser, no canvas). */
export async function renderSvg(chart: StudyChart): Promise<string> {
  const view = new View(parse(compile({ ...chart.spec, background: 'white', config: { font: 'system-ui, sans-serif' } } as TopLevelSpec).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
