import { htmlHead } from '../report/html/document.js';
import { escapeHtml } from '../report/html/escape.js';
import { REPORT_CSS } from '../report/html/styles.js';
import { formatMs } from '../units/format.js';
import { MEASURE_COLUMNS, type SweepRow } from './aggregate.js';
import type { StudyChart } from './charts.js';
import type { SweepManifest } from './study-dir.js';

/** Nothing is loaded from anywhere: the plots are inline SVG and the page has no script. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STUDY_CSS = `
.plot { overflow-x: auto; }
.plot svg { max-width: 100%; height: auto; }
.rows { overflow-x: auto; }
`;

function headerHtml(manifest: SweepManifest, rows: readonly SweepRow[]): string {
  const done = manifest.runs.filter((run) => run.done).length;
  const state = manifest.state === 'complete' ? '' : ` <span class="badge warn">${escapeHtml(manifest.state)}: ${done} of ${manifest.runs.length} runs</span>`;
  const { definition, machine } = manifest;
  const meta = [
    `${rows.length} cells × ${manifest.repeats} repeats`,
    definition.durationMs !== undefined
      ? `${formatMs(definition.durationMs)} a cell${definition.warmupMs ? `, the first ${formatMs(definition.warmupMs)} warm-up` : ''}`
      : '',
    `order ${manifest.order}, seed ${manifest.seed}`,
    `started ${manifest.startedAt}${manifest.endedAt ? `, ended ${manifest.endedAt}` : ''}`,
    `${machine.cpuCount} × ${machine.cpuModel}, ${machine.platform} ${machine.arch}`,
    `${manifest.tool.name} ${manifest.tool.version}, Node ${manifest.tool.node}`,
  ].filter(Boolean);
  const grid = Object.entries(manifest.grid).map(([key, values]) => `${key}: ${values.map(String).join(', ')}`);
  return (
    `<header><h1>salvo study: ${escapeHtml(manifest.name)}${state}</h1>` +
    `<p class="target">${grid.map(escapeHtml).join(' · ')}</p>` +
    `<p class="meta">${meta.map(escapeHtml).join(' · ')}</p></header>`
  );
}

function figureHtml(chart: StudyChart, svg: string): string {
  return `<figure data-plot="${escapeHtml(chart.id)}"><h3>${escapeHtml(chart.title)}</h3><figcaption>${escapeHtml(chart.caption)}</figcaption><div class="plot">${svg}</div></figure>`;
}

function rowsTableHtml(keys: readonly string[], rows: readonly SweepRow[]): string {
  const head = [...keys, ...MEASURE_COLUMNS].map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${keys.map((key) => `<td>${escapeHtml(String(row.params[key]))}</td>`).join('')}${MEASURE_COLUMNS.map((column) => `<td class="number">${row[column] ?? ''}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="rows"><table class="data" id="rows"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The study as one self-contained HTML page: its plots as inline SVG and its rows as in results.csv. */
export function renderStudyReport(manifest: SweepManifest, rows: readonly SweepRow[], plots: readonly { chart: StudyChart; svg: string }[]): string {
  const keys = Object.keys(manifest.grid);
  return `${htmlHead(`salvo study: ${manifest.name}`, CONTENT_SECURITY_POLICY, REPORT_CSS + STUDY_CSS)}
<body>
${headerHtml(manifest, rows)}
<h2>Plots</h2>
<section class="charts">${plots.map(({ chart, svg }) => figureHtml(chart, svg)).join('')}</section>
<h2>Cells</h2>
${rowsTableHtml(keys, rows)}
<footer>Written by salvo ${escapeHtml(manifest.tool.version)} from the study's result files. Each row adds its repeats' histograms together (no averaged percentiles); the p99 interval is a 95% Student-t interval of the repeats' p99s.</footer>
</body>
</html>
`;
}
