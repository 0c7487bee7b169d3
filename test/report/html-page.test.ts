import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ChartSpec } from '../../src/report/html/chart-spec.js';
import { jsonForScript, scriptForInline } from '../../src/report/html/escape.js';
import { loadChartLibrary, renderHtmlReport, type ChartLibrary } from '../../src/report/html/index.js';
import type { RunResult } from '../../src/result/types.js';
import { syntheticResult } from './html-fixture.js';

const HOSTILE = '</script><script>window.pwned = 1</script><!--';

/** The chart specs inlined in the page, parsed back. */
function inlinedCharts(html: string): ChartSpec[] {
  const match = /<script type="application\/json" id="salvo-report-data">(.*?)<\/script>/s.exec(html);
  assert.ok(match, 'the page inlines its data');
  return JSON.parse(match[1]!) as ChartSpec[];
}

describe('renderHtmlReport', () => {
  let library: ChartLibrary;
  let result: RunResult;
  let html: string;
  before(async () => {
    library = await loadChartLibrary();
    result = syntheticResult();
    html = renderHtmlReport(result, library);
  });

  test('inlines the per-second series and both latency curves as data', () => {
    const charts = inlinedCharts(html);
    assert.deepEqual(
      charts.map((chart) => chart.id),
      ['throughput', 'errors', 'latency-over-time', 'latency-distribution', 'schedule-lag'],
    );
    const byId = new Map(charts.map((chart) => [chart.id, chart]));
    assert.deepEqual(
      byId.get('throughput')!.series.map((line) => line.label),
      ['sent', 'completed', 'target'],
    );
    assert.deepEqual(
      byId.get('throughput')!.series[0]!.values,
      result.series.map((sample) => sample.sent),
    );
    assert.deepEqual(byId.get('errors')!.series[0]!.values, [4, 4, 4]);
    const distribution = byId.get('latency-distribution')!;
    assert.deepEqual(
      distribution.series.map((line) => line.label),
      ['corrected', 'uncorrected'],
    );
    // The curves end at the max, read from the stored histograms to their 3 significant digits.
    const endsAt = (values: (number | null)[], max: number): void =>
      assert.ok(Math.abs(values.at(-1)! - max) <= max / 1000, `ends at ${values.at(-1)}, max ${max}`);
    endsAt(distribution.series[0]!.values, result.summary.latencyMs.corrected.max);
    endsAt(distribution.series[1]!.values, result.summary.latencyMs.uncorrected.max);
    endsAt(byId.get('schedule-lag')!.series[0]!.values, result.summary.scheduleLagMs.max);
    assert.ok(result.summary.latencyMs.corrected.max > 10 * result.summary.latencyMs.uncorrected.max, 'the fixture’s late sends show only in corrected');
    for (const chart of charts) assert.ok(html.includes(`id="chart-${chart.id}" data-chart="${chart.id}"`), `container for ${chart.id}`);
  });

  test('inlines uPlot itself and loads nothing: no http(s) URL in any src or href', () => {
    assert.ok(html.includes(library.js), 'the library is in the page');
    assert.ok(library.js.length > 20_000 && library.css.length > 500, 'the real uPlot files were read');
    assert.deepEqual(html.match(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//gi), null);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  });

  test('shows the summary as cards, and errors and status codes as tables', () => {
    assert.match(html, /data-card="sent"><div class="label">sent<\/div><div class="value">600<\/div>/);
    assert.match(html, /<div class="card bad" data-card="failed">.*?<div class="value">12<\/div>/);
    assert.match(html, /<table class="data" id="error-causes">.*<code>http5xx<\/code><\/td><td class="number">12<\/td>/);
    assert.match(html, /<table class="data" id="status-codes">.*<td>500<\/td><td class="number">12<\/td>/);
    assert.match(html, /<pre class="plan" id="plan">\{\n {2}&quot;version&quot;: 1,/);
  });

  test('lists the changes made while it ran only when there were some', () => {
    assert.ok(!html.includes('id="events"'));
    const steered = renderHtmlReport(
      {
        ...result,
        events: [
          { tMs: 1500, what: 'rate', from: 100, to: 2000 },
          { tMs: 2500, what: 'stop', from: null, to: null },
        ],
      },
      library,
    );
    assert.match(
      steered,
      /<table class="data" id="events">.*<td class="number">1\.5s<\/td><td>rate<\/td><td class="number">100<\/td><td class="number">2,000<\/td>.*<td>stop<\/td><td class="number">–<\/td>/,
    );
  });

  test('shows thresholds only when the result has them', () => {
    assert.ok(!html.includes('id="thresholds"'));
    const judged = renderHtmlReport(
      {
        ...result,
        thresholds: [
          { expression: 'p99 < 1ms', passed: false, actual: 1.7, unit: 'ms', second: 2, abortedRun: true },
          { expression: 'errors < 5%', passed: true, actual: 2, unit: '%' },
        ],
      },
      library,
    );
    assert.match(judged, /<h2>Thresholds <span class="badge fail">1 failed<\/span><\/h2>/);
    assert.match(
      judged,
      /<code>p99 &lt; 1ms<\/code><\/td><td class="number">1\.7ms<\/td><td><span class="badge fail">failed<\/span> in second 2 <span class="badge warn">ended the run<\/span>/,
    );
    assert.match(judged, /<code>errors &lt; 5%<\/code><\/td><td class="number">2%<\/td><td><span class="badge pass">passed<\/span><\/td>/);
  });

  test('text from the plan cannot end a script or add markup', () => {
    const hostile = syntheticResult({ url: `http://127.0.0.1:8080/${HOSTILE}`, headers: [['x-note', HOSTILE]], body: HOSTILE });
    const page = renderHtmlReport({ ...hostile, summary: { ...hostile.summary, warnings: [HOSTILE] } }, library);
    assert.equal(page.match(/<script/gi)!.length, 3, 'only the page’s own three scripts');
    assert.equal(page.match(/<\/script/gi)!.length, 3);
    assert.ok(!page.includes('<!--'));
    assert.ok(page.includes('&lt;/script&gt;&lt;script&gt;window.pwned = 1'), 'shown as text');
  });
});

describe('inlining', () => {
  test('JSON for a script element escapes every < and still parses to the same value', () => {
    const value = { text: HOSTILE, list: ['<b>', 'a < b'] };
    const json = jsonForScript(value);
    assert.ok(!json.includes('<'));
    assert.deepEqual(JSON.parse(json), value);
  });

  test('code that would end its script element is refused', () => {
    assert.throws(() => scriptForInline('const s = "</script>";', 'test code'), /cannot inline test code/);
    assert.throws(() => scriptForInline('x = 1 <!-- 2', 'test code'), /cannot inline test code/);
    assert.equal(scriptForInline('const a = 1 < 2;', 'test code'), 'const a = 1 < 2;');
  });
});

describe('renderHtmlReport for virtual users', () => {
  test('shows the tables by task, user type and phase, checks and script errors, escaped', async () => {
    const { Breakdown } = await import('../../src/metrics/breakdown.js');
    const breakdown = new Breakdown(['phase 1 (10 users, from 0 s)', 'phase 2 (4 users, from 60 s)']);
    breakdown.record('home', 'Browser', 0, 2000, false);
    breakdown.record(HOSTILE, 'Browser', 1, 4000, true);
    breakdown.check('home is 200', true);
    breakdown.exception('Browser/cart: boom');
    breakdown.count('protocol violation: HELLO in state in-measure', 2);
    const html = renderHtmlReport({ ...syntheticResult(), breakdown: breakdown.result() }, await loadChartLibrary());
    for (const id of ['by-task', 'by-user-type', 'by-phase', 'checks', 'counters', 'script-errors'])
      assert.match(html, new RegExp(`<table class="data" id="${id}">`));
    assert.match(html, /<td>phase 2 \(4 users, from 60 s\)<\/td><td class="number">1<\/td><td class="number">1 \(100\.0%\)<\/td>/);
    assert.ok(!html.includes(HOSTILE), 'a task name is escaped');
  });

  test('an open-model result has no virtual-user section', async () => {
    assert.doesNotMatch(renderHtmlReport(syntheticResult(), await loadChartLibrary()), /Virtual users/);
  });
});
