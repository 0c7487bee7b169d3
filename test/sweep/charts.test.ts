import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SweepRow } from '../../src/sweep/aggregate.js';
import { renderSvg, studyCharts } from '../../src/sweep/charts.js';

/** Rows of a rate × arrival × spin grid with made-up measures (latency grows with rate and spin). */
function rows(withSlowdown: boolean): SweepRow[] {
  const made: SweepRow[] = [];
  for (const rate of [20, 40]) {
    for (const arrival of ['uniform', 'poisson']) {
      for (const spinMs of [2, 5]) {
        const latency = spinMs * (1 + rate / 100) * (arrival === 'poisson' ? 1.5 : 1);
        made.push({
          params: { rate, arrival, spinMs },
          repeats: 1,
          sent: rate,
          completed: rate,
          failed: 0,
          successRate: 1,
          achievedRate: rate,
          latencyMeanMs: latency,
          latencyP50Ms: latency,
          latencyP90Ms: latency * 1.2,
          latencyP99Ms: latency * 2,
          ...(withSlowdown
            ? { slowdownMean: latency / spinMs, slowdownP50: latency / spinMs, slowdownP99: (2 * latency) / spinMs, serviceMeanMs: spinMs }
            : {}),
        });
      }
    }
  }
  return made;
}

describe('studyCharts', () => {
  test('latency by the first key, success rate by the rate key, slowdown by the spin key, a heatmap of two keys', () => {
    const charts = studyCharts(['rate', 'arrival', 'spinMs'], rows(true));
    assert.deepEqual(
      charts.map((chart) => [chart.id, chart.title]),
      [
        ['latency', 'Latency by rate'],
        ['success-rate', 'Success rate by rate'],
        ['slowdown', 'Slowdown by spinMs'],
        ['heatmap', 'p99 latency by rate and arrival'],
      ],
    );
    assert.deepEqual(
      studyCharts(['rate', 'arrival', 'spinMs'], rows(false)).map((chart) => chart.id),
      ['latency', 'success-rate', 'heatmap'],
      'no slowdown plot without slowdown',
    );
    assert.equal(studyCharts(['rate', 'arrival', 'spinMs'], rows(true), { heatmap: ['spinMs', 'arrival'] }).at(-1)!.title, 'p99 latency by spinMs and arrival');
    assert.throws(() => studyCharts(['rate'], rows(true), { slowdownKey: 'spin' }), /"spin" is not a grid key \(rate\)/);
  });

  test('keys beyond the three a chart shows are held at their first value, and the caption says so', () => {
    const wide = rows(false).flatMap((row) => [1, 4].map((connections) => ({ ...row, params: { ...row.params, connections } })));
    const [latency] = studyCharts(['rate', 'arrival', 'spinMs', 'connections'], wide);
    assert.match(latency!.caption, /Shown at connections=1\.$/);
    assert.equal((latency!.spec as { data: { values: unknown[] } }).data.values.length, 8);
  });

  test('renders each chart to a standalone SVG with one point per cell and measure', async () => {
    const charts = studyCharts(['rate', 'arrival', 'spinMs'], rows(true));
    const svg = await renderSvg(charts[0]!);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // 8 cells × (mean, p99) points, drawn as path symbols in the mark group of the points.
    assert.ok((svg.match(/<path [^>]*transform="translate/g) ?? []).length >= 16, 'a symbol per point');
    for (const label of ['rate', 'latency (ms)', 'arrival', 'poisson', 'uniform', 'spinMs']) assert.ok(svg.includes(`>${label}<`), `shows ${label}`);
    const heatmap = await renderSvg(charts.at(-1)!);
    assert.ok(heatmap.includes('>p99 ms<'));
  });
});
