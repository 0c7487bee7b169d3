import type { ChartSpec } from '../report/html/chart-spec.js';
import { drawCharts } from '../report/html/draw-charts.js';
import { escapeHtml, jsonForScript, scriptForInline } from '../report/html/escape.js';
import { pageStartHtml } from '../report/html/page.js';
import type { ChartLibrary } from '../report/html/vendor.js';
import { capacityLines } from './table.js';
import type { CapacityResult } from './types.js';

const DATA_ELEMENT_ID = 'salvo-capacity-data';

/** Latency and achieved rate against the rate tried (the last run of each rate), for the latency curve and its knee. */
function capacityCharts(result: CapacityResult): ChartSpec[] {
  const byRate = new Map(result.steps.filter((step) => !step.generatorLimited).map((step) => [step.ratePerSec, step]));
  const steps = [...byRate.values()].sort((a, b) => a.ratePerSec - b.ratePerSec);
  const base = {
    xTitle: 'rate tried (req/s)',
    xAxis: { kind: 'seconds' } as const,
    x: steps.map((step) => step.ratePerSec),
    xLabels: steps.map((step) => `${step.ratePerSec} req/s (${step.passed ? 'pass' : 'fail'})`),
  };
  return [
    {
      ...base,
      id: 'capacity-latency',
      title: 'p99 by rate',
      caption: 'The p99 latency each step measured after its warm-up: flat below the knee, steep past it.',
      unit: 'ms',
      series: [{ label: 'p99', color: '#9333ea', values: steps.map((step) => step.p99Ms) }],
    },
    {
      ...base,
      id: 'capacity-rate',
      title: 'Achieved by rate',
      caption: 'Completed requests per second against the rate sent: equal while the target keeps up.',
      unit: 'req/s',
      series: [
        { label: 'tried', color: '#94a3b8', dashed: true, values: steps.map((step) => step.ratePerSec) },
        { label: 'achieved', color: '#16a34a', values: steps.map((step) => step.achievedPerSec) },
      ],
    },
  ];
}

/** The capacity search as one self-contained HTML page: the answer, every step, and two charts. */
export function renderCapacityHtml(url: string, result: CapacityResult, library: ChartLibrary): string {
  const charts = capacityCharts(result);
  const draw = `(${drawCharts.toString()})(uPlot, JSON.parse(document.getElementById(${JSON.stringify(DATA_ELEMENT_ID)}).textContent));`;
  const figures = charts
    .map(
      (chart) =>
        `<figure><h3>${escapeHtml(chart.title)}</h3><figcaption>${escapeHtml(chart.caption)}</figcaption><div class="chart" id="chart-${chart.id}" data-chart="${chart.id}"></div></figure>`,
    )
    .join('');
  return `${pageStartHtml(`salvo capacity: ${url}`, library)}<header><h1>salvo capacity</h1><p class="target">${escapeHtml(url)}</p></header>
<pre class="plan">${escapeHtml(capacityLines(url, result).join('\n'))}</pre>
<section class="charts">${figures}</section>
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(charts)}</script>
<script>${scriptForInline(library.js, 'the uPlot library')}</script>
<script>${scriptForInline(draw, 'the chart code')}</script>
</body>
</html>
`;
}
