import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareResults, type MetricComparison } from '../../src/compare/compare-results.js';
import type { MetricName } from '../../src/compare/metrics.js';
import { seededRandom } from '../../src/schedule/random.js';
import { syntheticRunResult, type SyntheticSecond } from '../support/synthetic-run-result.js';

interface RunShape {
  seconds?: number;
  /** Answers per second, before noise. */
  answers?: number;
  medianUs?: number;
  failedPerSecond?: number;
  seed: number;
}

/** A run whose answers per second and latencies vary around the given values, as real seconds do. */
function runOf({ seconds = 10, answers = 100, medianUs = 1000, failedPerSecond = 0, seed }: RunShape) {
  const random = seededRandom(seed);
  const perSecond = (): SyntheticSecond => ({
    latenciesUs: Array.from({ length: answers + Math.floor(random() * 7) - 3 }, () => Math.round(medianUs * Math.exp((random() + random() - 1) * 1.2))),
    failed: failedPerSecond === 0 ? 0 : failedPerSecond + Math.floor(random() * 3) - 1,
  });
  return syntheticRunResult({ seconds: Array.from({ length: seconds }, perSecond) });
}

const byMetric = (comparisons: MetricComparison[]) =>
  Object.fromEntries(comparisons.map((comparison) => [comparison.metric, comparison])) as Record<MetricName, MetricComparison>;

const isSignificant = (comparison: MetricComparison) => comparison.verdict.tested && comparison.verdict.significant;

describe('compareResults', () => {
  test('twice the latency is a significant rise at every percentile and in the mean; equal throughput is not a change', () => {
    const metrics = byMetric(compareResults(runOf({ seed: 1 }), runOf({ seed: 2, medianUs: 2000 })));
    for (const metric of ['p50', 'p90', 'p99', 'mean'] as const) {
      assert.ok(isSignificant(metrics[metric]), `${metric}: ${JSON.stringify(metrics[metric])}`);
      assert.ok(metrics[metric].relative! > 0.6 && metrics[metric].relative! < 1.4, `${metric} rose by about 100%: ${metrics[metric].relative}`);
    }
    assert.equal(isSignificant(metrics.rate), false, JSON.stringify(metrics.rate));
    assert.equal(metrics.errors.verdict.tested && metrics.errors.verdict.pValue, 1, 'no errors in either run');
  });

  test('fewer answers per second and more errors are significant, the error rate in percentage points', () => {
    const baseline = runOf({ seed: 3 });
    const candidate = runOf({ seed: 4, answers: 80, failedPerSecond: 5 });
    const metrics = byMetric(compareResults(baseline, candidate));
    assert.ok(isSignificant(metrics.rate), JSON.stringify(metrics.rate));
    assert.equal(metrics.rate.baseline, baseline.summary.rate.achieved);
    assert.equal(metrics.rate.candidate, candidate.summary.rate.achieved);
    assert.ok(isSignificant(metrics.errors), JSON.stringify(metrics.errors));
    const { completed, failed } = candidate.summary.requests;
    assert.equal(metrics.errors.candidate, (failed / (completed + failed)) * 100);
    assert.equal(metrics.errors.difference, metrics.errors.candidate);
    assert.equal(metrics.errors.relative, null, 'error-rate changes are percentage points, never relative');
  });

  test('a run compared with itself shows no change and no significant difference', () => {
    const result = runOf({ seed: 5, failedPerSecond: 2 });
    for (const comparison of compareResults(result, result)) {
      assert.equal(comparison.difference, 0, comparison.metric);
      assert.equal(isSignificant(comparison), false, `${comparison.metric}: ${JSON.stringify(comparison.verdict)}`);
    }
  });

  test('per-second tests need 8 full seconds in each run; a last second the run ended inside does not count', () => {
    const short = byMetric(compareResults(runOf({ seed: 6, seconds: 3 }), runOf({ seed: 7, seconds: 9 })));
    assert.deepEqual(short.rate.verdict, { tested: false, reason: 'too few seconds to test (3 and 9, 8 needed)' });
    assert.deepEqual(short.errors.verdict, { tested: false, reason: 'too few seconds to test (3 and 9, 8 needed)' });
    assert.ok(short.p50.verdict.tested, 'latency is tested on the histograms whatever the length');

    const eight = runOf({ seed: 8, seconds: 8 });
    const endedInsideItsLastSecond = { ...eight, durationMs: 7500 };
    const cut = byMetric(compareResults(endedInsideItsLastSecond, eight));
    assert.deepEqual(cut.rate.verdict, { tested: false, reason: 'too few seconds to test (7 and 8, 8 needed)' });
  });

  test('a run without answers has no latency to test', () => {
    const silent = syntheticRunResult({ seconds: Array.from({ length: 10 }, () => ({ failed: 10 })) });
    const candidate = runOf({ seed: 9 });
    const metrics = byMetric(compareResults(silent, candidate));
    assert.deepEqual(metrics.p50.verdict, { tested: false, reason: 'no responses to test' });
    assert.deepEqual(metrics.mean.verdict, { tested: false, reason: `too few responses to test (0 and ${candidate.summary.requests.completed}, 30 needed)` });
    assert.equal(metrics.p50.relative, null, 'no relative change from a baseline of 0');
  });

  test('the same two results always get the same verdicts', () => {
    const [baseline, candidate] = [runOf({ seed: 10 }), runOf({ seed: 11, medianUs: 1100 })];
    assert.deepEqual(compareResults(baseline, candidate), compareResults(baseline, candidate));
    assert.notDeepEqual(compareResults(baseline, candidate, { seed: 2, resamples: 1000 }), compareResults(baseline, candidate));
  });
});
