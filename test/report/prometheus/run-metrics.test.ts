import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { Tally } from '../../../src/metrics/tally.js';
import { BUCKET_BOUNDS_SECONDS } from '../../../src/report/prometheus/buckets.js';
import { runRegistry, type MetricsSource } from '../../../src/report/prometheus/run-metrics.js';

/** A tally of known requests: latencies in µs, statuses, two failures without an answer, three dropped. */
function knownTally(latenciesUs: readonly number[]): Tally {
  const tally = new Tally();
  latenciesUs.forEach((latencyUs, index) => {
    tally.countSent(index * 10);
    tally.countResponse(latencyUs, latencyUs / 2, index % 10 === 0 ? 503 : index % 10 === 1 ? 404 : 200, 0);
  });
  tally.countFailure('timeout');
  tally.countFailure('reset');
  tally.countDropped(3, 'queueFull');
  return tally;
}

const sourceOf = (tallies: Tally[], finished = false): MetricsSource => ({
  measuredSoFar: () => tallies.map((tally) => ({ scenario: 'main', state: { measured: tally, warmup: undefined } })),
  inFlight: () => 7,
  targetRatePerSec: () => 250,
  finished: () => finished,
});

/** Each sample line of the exposition as name{labels} → value. */
function samples(text: string): Map<string, number> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))];
      }),
  );
}

const sumOf = (all: Map<string, number>, prefix: string): number =>
  [...all].filter(([key]) => key.startsWith(`${prefix}{`)).reduce((sum, [, value]) => sum + value, 0);

describe('the run registry', () => {
  const latenciesUs = Array.from({ length: 1000 }, (_, index) => 50 + index * 37);

  test('requests by status and cause add up to the answered and failed, dropped apart, labelled with the run', async () => {
    const tally = knownTally(latenciesUs);
    const text = await runRegistry(sourceOf([tally]), { run_id: 'r1', shard: '2/4' }, Registry.PROMETHEUS_CONTENT_TYPE).metrics();
    const all = samples(text);
    const totals = tally.totals();
    assert.equal(sumOf(all, 'salvo_requests_total'), totals.completed + totals.failed);
    assert.equal(all.get('salvo_requests_total{scenario="main",status="503",cause="http5xx",run_id="r1",shard="2/4"}'), 100);
    assert.equal(all.get('salvo_requests_total{scenario="main",status="404",cause="http4xx",run_id="r1",shard="2/4"}'), 100);
    assert.equal(all.get('salvo_requests_total{scenario="main",status="200",cause="",run_id="r1",shard="2/4"}'), 800);
    assert.equal(all.get('salvo_requests_total{scenario="main",status="",cause="timeout",run_id="r1",shard="2/4"}'), 1);
    assert.equal(all.get('salvo_dropped_total{scenario="main",reason="queueFull",run_id="r1",shard="2/4"}'), 3);
    assert.equal(all.get('salvo_sent_total{scenario="main",run_id="r1",shard="2/4"}'), 1000);
    assert.equal(all.get('salvo_inflight{run_id="r1",shard="2/4"}'), 7);
    assert.equal(all.get('salvo_target_rate{run_id="r1",shard="2/4"}'), 250);
    assert.equal(all.get('salvo_run_finished{run_id="r1",shard="2/4"}'), 0);
  });

  test('each latency bucket counts exactly the requests at or below its bound', async () => {
    const text = await runRegistry(sourceOf([knownTally(latenciesUs)]), { run_id: 'r1' }, Registry.PROMETHEUS_CONTENT_TYPE).metrics();
    const all = samples(text);
    for (const bound of BUCKET_BOUNDS_SECONDS) {
      // HdrHistogram keeps three digits: a value counts where the top of its HdrHistogram bucket falls.
      const expected = latenciesUs.filter((us) => us <= bound * 1e6 * 0.999).length;
      const within = latenciesUs.filter((us) => us <= bound * 1e6 * 1.001).length;
      const counted = all.get(`salvo_latency_seconds_bucket{scenario="main",le="${bound}",run_id="r1"}`)!;
      assert.ok(counted >= expected && counted <= within, `le=${bound}: ${counted}, expected ${expected}..${within}`);
    }
    assert.equal(all.get('salvo_latency_seconds_bucket{scenario="main",le="+Inf",run_id="r1"}'), 1000);
    assert.equal(all.get('salvo_uncorrected_latency_seconds_count{scenario="main",run_id="r1"}'), 1000);
    const exactSumSeconds = latenciesUs.reduce((sum, us) => sum + us, 0) / 1e6;
    assert.ok(Math.abs(all.get('salvo_latency_seconds_sum{scenario="main",run_id="r1"}')! - exactSumSeconds) < exactSumSeconds * 0.001);
  });

  test("worker threads' parts of one scenario are one series: their sum", async () => {
    const text = await runRegistry(
      sourceOf([knownTally(latenciesUs), knownTally(latenciesUs)], true),
      { run_id: 'r1' },
      Registry.PROMETHEUS_CONTENT_TYPE,
    ).metrics();
    const all = samples(text);
    assert.equal(all.get('salvo_requests_total{scenario="main",status="200",cause="",run_id="r1"}'), 1600);
    assert.equal(all.get('salvo_latency_seconds_count{scenario="main",run_id="r1"}'), 2000);
    assert.equal(all.get('salvo_run_finished{run_id="r1"}'), 1);
  });

  test('OpenMetrics: counters named with _total, the exposition ends with # EOF', async () => {
    const text = await runRegistry(sourceOf([knownTally(latenciesUs)]), { run_id: 'r1' }, Registry.OPENMETRICS_CONTENT_TYPE).metrics();
    assert.match(text, /^# TYPE salvo_requests counter$/m);
    assert.match(text, /^salvo_requests_total\{/m);
    assert.match(text, /^# TYPE salvo_latency_seconds histogram$/m);
    assert.ok(text.endsWith('# EOF\n'));
  });
});
