import type uPlot from 'uplot';
import type { ChartSpec } from './chart-spec.js';

// The project compiles without the DOM library (it is Node code), so the few browser globals this
// function touches are declared here, for this file only.
interface PageElement {
  clientWidth: number;
  dataset: Record<string, string | undefined>;
}
declare const document: { body: PageElement; getElementById(id: string): PageElement | null };
declare const window: { addEventListener(type: 'resize', listener: () => void): void };

/**
 * Runs in the report page, not in Node: the page inlines this function's source and calls it with uPlot
 * and the chart specs. So it must stay self-contained: no imports at run time, no module-level values.
 * Each chart says how many points it drew in `data-points`, and the body how many charts drew in
 * `data-charts-rendered`, so a test can check the page without comparing pixels.
 */
export function drawCharts(UPlot: typeof uPlot, charts: ChartSpec[]): void {
  const CHART_HEIGHT_PX = 280;
  const drawn = new Set<string>();
  const plots: [uPlot, PageElement][] = [];
  for (const chart of charts) {
    const container = document.getElementById(`chart-${chart.id}`);
    if (container === null) throw new Error(`no container for chart "${chart.id}"`);
    const xAxis = chart.xAxis;
    const options: uPlot.Options = {
      width: container.clientWidth,
      height: CHART_HEIGHT_PX,
      scales: {
        x: { time: false, distr: xAxis.kind === 'percentile' ? 3 : 1 },
        // Counts and latencies start at zero, unless a value is below it: a zoomed axis would exaggerate wobbles.
        y: { range: { min: { pad: 0, soft: 0, mode: 1 }, max: { pad: 0.1, soft: 0, mode: 1 } } },
      },
      axes: [
        xAxis.kind === 'percentile'
          ? { label: chart.xTitle, splits: () => xAxis.ticks.at, values: () => xAxis.ticks.labels }
          : { label: chart.xTitle, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600] },
        { label: chart.unit, size: 56 },
      ],
      series: [
        { label: chart.xTitle, value: (_plot, _x, _series, index) => (index === null ? '' : (chart.xLabels[index] ?? '')) },
        ...chart.series.map((line) => ({
          label: line.label,
          stroke: line.color,
          width: 2,
          ...(line.dashed ? { dash: [6, 4] } : {}),
          value: (_plot: uPlot, value: number | null) => (value === null ? '–' : `${value} ${chart.unit}`),
        })),
      ],
      hooks: {
        draw: [
          () => {
            container.dataset.points = String(chart.series.reduce((points, line) => points + line.values.filter((value) => value !== null).length, 0));
            drawn.add(chart.id);
            document.body.dataset.chartsRendered = String(drawn.size);
          },
        ],
      },
    };
    plots.push([new UPlot(options, [chart.x, ...chart.series.map((line) => line.values)], container), container]);
  }
  window.addEventListener('resize', () => {
    for (const [plot, container] of plots) plot.setSize({ width: container.clientWidth, height: CHART_HEIGHT_PX });
  });
}
