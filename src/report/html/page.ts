import type { RunResult } from '../../result/types.js';
import { formatMs } from '../../units/format.js';
import { describeLoad } from '../terminal-summary.js';
import type { ChartSpec } from './chart-spec.js';
import { chartsFor } from './charts.js';
import { drawCharts } from './draw-charts.js';
import { htmlHead } from './document.js';
import { escapeHtml, jsonForScript, scriptForInline } from './escape.js';
import { REPORT_CSS } from './styles.js';
import { summaryCardsHtml } from './summary-cards.js';
import { breakdownHtml, errorCausesHtml, eventsHtml, statusCodesHtml, thresholdsHtml } from './tables.js';
import type { ChartLibrary } from './vendor.js';

const DATA_ELEMENT_ID = 'salvo-report-data';

/**
 * The page may load nothing: scripts and styles are inline, and every fetch, image or font from
 * elsewhere is refused, so the report opens offline and never calls home.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

function headerHtml(result: RunResult): string {
  const { plan } = result;
  const interrupted = result.interrupted ? ` <span class="badge warn">interrupted (${escapeHtml(result.interruptReason ?? 'unknown')})</span>` : '';
  const meta = [
    describeLoad(plan),
    `started ${result.startedAt}`,
    `measured over ${formatMs(result.durationMs)}`,
    `${result.tool.name} ${result.tool.version}, Node ${result.tool.node}`,
  ];
  return (
    `<header><h1>salvo load report${interrupted}</h1>` +
    `<p class="target">${escapeHtml(`${plan.target.method} ${plan.target.url}`)}</p>` +
    `<p class="meta">${meta.map(escapeHtml).join(' · ')}</p></header>`
  );
}

function warningsHtml(warnings: readonly string[]): string {
  return warnings.length === 0 ? '' : `<ul class="warnings">${warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul>`;
}

function thresholdsSectionHtml(result: RunResult): string {
  const { thresholds } = result;
  if (!thresholds || thresholds.length === 0) return '';
  const failed = thresholds.filter((threshold) => !threshold.passed).length;
  const verdict = failed === 0 ? '<span class="badge pass">all passed</span>' : `<span class="badge fail">${failed} failed</span>`;
  return `<h2>Thresholds ${verdict}</h2>${thresholdsHtml(thresholds)}`;
}

function chartFigureHtml(chart: ChartSpec): string {
  return (
    `<figure><h3>${escapeHtml(chart.title)}</h3><figcaption>${escapeHtml(chart.caption)}</figcaption>` +
    `<div class="chart" id="chart-${chart.id}" data-chart="${chart.id}"></div></figure>`
  );
}

/** A self-contained page's start, up to and with <body>: every page salvo writes loads nothing from elsewhere. */
export function pageStartHtml(title: string, library: ChartLibrary): string {
  return `${htmlHead(title, CONTENT_SECURITY_POLICY, library.css + REPORT_CSS)}
<body>
`;
}

/** The whole report as one self-contained HTML document. */
export function renderHtmlReport(result: RunResult, library: ChartLibrary): string {
  const charts = chartsFor(result);
  const draw = `(${drawCharts.toString()})(uPlot, JSON.parse(document.getElementById(${JSON.stringify(DATA_ELEMENT_ID)}).textContent));`;
  return `${pageStartHtml(`salvo report: ${result.plan.target.method} ${result.plan.target.url}`, library)}${headerHtml(result)}
${warningsHtml(result.summary.warnings)}
${summaryCardsHtml(result)}
${thresholdsSectionHtml(result)}
<h2>Over time and distribution</h2>
<section class="charts">${charts.map(chartFigureHtml).join('')}</section>
<h2>Errors and status codes</h2>
<section class="tables">${errorCausesHtml(result)}${statusCodesHtml(result)}</section>
${eventsHtml(result)}
${breakdownHtml(result)}
<h2>Plan</h2>
<pre class="plan" id="plan">${escapeHtml(JSON.stringify(result.plan, null, 2))}</pre>
<footer>Written by salvo ${escapeHtml(result.tool.version)} from a ${escapeHtml(result.schema)} result. Latencies are HdrHistogram percentiles; corrected latency counts from the intended send time (no coordinated omission).</footer>
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(charts)}</script>
<script>${scriptForInline(library.js, 'the uPlot library')}</script>
<script>${scriptForInline(draw, 'the chart code')}</script>
</body>
</html>
`;
}
