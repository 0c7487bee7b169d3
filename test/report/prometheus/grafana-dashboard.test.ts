import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { Tally } from '../../../src/metrics/tally.js';
import { runRegistry } from '../../../src/report/prometheus/run-metrics.js';

const DASHBOARD = fileURLToPath(new URL('../../../../examples/grafana-salvo.json', import.meta.url));

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

test('examples/grafana-salvo.json parses, and every metric it queries is one the --metrics endpoint serves', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; templating: { list: { definition?: string }[] } };
  const queries = [
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
  ];
  assert.ok(queries.length >= 10, `${queries.length} queries`);
  const tally = new Tally();
  tally.countSent(5);
  tally.countResponse(1000, 900, 200, 0);
  tally.countFailure('timeout');
  const source = {
    measuredSoFar: () => [{ scenario: 'main', state: { measured: tally, warmup: undefined } }],
    inFlight: () => 0,
    targetRatePerSec: () => 100,
    finished: () => false,
  };
  const exposition = await runRegistry(source, { run_id: 'r' }, Registry.PROMETHEUS_CONTENT_TYPE).metrics();
  const served = new Set(exposition.split('\n').flatMap((line) => (line.startsWith('#') || line === '' ? [] : [/^[a-z_]+/.exec(line)![0]])));
  const queried = new Set(queries.flatMap((query) => query.match(/\bsalvo_[a-z_]+/g) ?? []));
  assert.ok(queried.size >= 8, [...queried].join(' '));
  for (const metric of queried) assert.ok(served.has(metric), `${metric} is queried but not served`);
});
