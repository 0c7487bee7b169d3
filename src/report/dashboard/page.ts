import { holdsThroughput } from '../../plan/executors/index.js';
import { runsUsers, type Plan } from '../../plan/schema.js';
import { htmlHead } from '../html/document.js';
import { escapeHtml, scriptForInline } from '../html/escape.js';
import type { ChartLibrary } from '../html/vendor.js';
import { DASHBOARD_SCRIPT } from './page-script.js';

/** Where a run stands in a study (`salvo sweep`): run `position` of `total`, and a line saying which cell it is. */
export interface StudyPlace {
  position: number;
  total: number;
  line: string;
}

/** The page may talk only to the run that served it; everything it shows comes over /stream. */
const POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:";

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 16px 24px; color: #1d2433; background: #f6f7f9; }
h1 { font-size: 20px; margin: 0 0 4px; }
.sub { color: #5b6475; margin-bottom: 12px; }
.bar { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-bottom: 12px; }
.panel { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 10px 12px; }
.controls form { display: inline-flex; gap: 4px; align-items: center; margin-right: 12px; }
.controls form[hidden] { display: none; }
.controls input { width: 90px; }
.controls[data-steer="no"] form, .controls[data-steer="no"] button { opacity: 0.5; }
#control-status { color: #5b6475; margin-left: 8px; }
#control-status.bad { color: #b3261e; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px; }
.chart h2 { font-size: 14px; margin: 0 0 6px; }
.chart[hidden] { display: none; }
#thresholds span { margin-right: 14px; }
.pass { color: #1e7d32; } .fail { color: #b3261e; } .idle { color: #8a93a3; }
#state { font-weight: 600; }
#summary[hidden] { display: none; }
#summary table { border-collapse: collapse; }
#summary td { padding: 2px 12px 2px 0; }
`;

/** The dashboard: one self-contained page (uPlot inlined) that draws what /stream sends and steers through /control. */
export function renderDashboardPage(plan: Plan, library: ChartLibrary, study?: StudyPlace): string {
  const chart = (id: string, title: string, hidden = false): string =>
    `<div class="panel chart" id="chart-${id}" data-chart="${id}" data-points="0"${hidden ? ' hidden' : ''}><h2>${title}</h2></div>`;
  return `${htmlHead(`salvo live: ${plan.target.url}`, POLICY, `${library.css}\n${CSS}`)}
<body data-state="connecting">
<h1>salvo live <span id="state">connecting</span></h1>
${study ? `<div class="sub" id="study">study: ${escapeHtml(study.line)}</div>\n` : ''}<div class="sub">${escapeHtml(plan.executor.type)} → <code>${escapeHtml(plan.target.url)}</code> · <span id="clock"></span></div>
<div class="bar">
  <div class="panel controls" id="controls" data-steer="no">
    <form novalidate id="form-rate" data-control="rate" hidden>${plan.shard ? `rate of all ${plan.shard.count} shards (this one sends 1/${plan.shard.count})` : 'rate'} <input id="input-rate" type="number" min="0" step="any"> /s <button>set</button></form>
    <form novalidate id="form-setpoint" data-control="setpoint" hidden>setpoint <input id="input-setpoint" type="number" min="0" step="any"> /s <button>set</button></form>
    <form novalidate id="form-concurrency" data-control="concurrency" hidden><span id="concurrency-label">connections${plan.shard ? ' of this shard' : ''}</span> <input id="input-concurrency" type="number" min="1" step="1"> <button>set</button></form>
    <button id="stop" type="button">${study ? 'stop the study (the same command resumes it)' : 'stop the run'}</button>
    <span id="control-status"></span>
  </div>
  <div class="panel" id="thresholds">thresholds: <span class="idle">none</span></div>
</div>
<div class="panel" id="summary" hidden></div>
<div class="grid">
${chart('rate', 'rate: achieved vs target (req/s)')}
${chart('latency', 'latency (ms): p50 / p90 / p99, corrected (solid) and uncorrected (dashed)')}
${chart('errors', 'errors by cause and dropped (per second)')}
${chart('concurrency', 'in flight and connections / users')}
${chart('users', 'virtual users running, by user type', !runsUsers(plan))}
${chart('generator', 'generator: CPU (% of a core) and schedule lag (ms)')}
${chart('control', 'held throughput: setpoint, measured (req/s) and concurrency', !holdsThroughput(plan.executor))}
</div>
<script>${scriptForInline(library.js, 'uPlot')}</script>
<script>${scriptForInline(DASHBOARD_SCRIPT, 'the dashboard script')}</script>
</body>
</html>
`;
}
