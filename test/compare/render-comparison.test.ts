import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_COMPARE_OPTIONS, type MetricComparison } from '../../src/compare/compare-results.js';
import { parseFailCondition } from '../../src/compare/fail-if.js';
import { describeChange, formatPValue, renderComparison, renderGates } from '../../src/compare/render-comparison.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

test('p-values read as p<0.001, p<0.01 or two significant digits', () => {
  const cases: [number, string][] = [
    [0, 'p<0.001'],
    [0.0009, 'p<0.001'],
    [0.002, 'p<0.01'],
    [0.0123, 'p=0.012'],
    [0.049, 'p=0.049'],
    [0.41, 'p=0.41'],
    [1, 'p=1'],
  ];
  for (const [pValue, text] of cases) assert.equal(formatPValue(pValue), text);
});

const p99 = (relative: number | null, verdict: MetricComparison['verdict']): MetricComparison => ({
  metric: 'p99',
  baseline: 10,
  candidate: 11.23,
  difference: 1.23,
  relative,
  verdict,
});

test('a change reads as metric, signed change and its significance', () => {
  assert.equal(describeChange(p99(0.123, { tested: true, pValue: 0.004, significant: true })), 'p99 +12.3% (significant, p<0.01)');
  assert.equal(describeChange(p99(0.123, { tested: true, pValue: 0.41, significant: false })), 'p99 +12.3% (not significant, p=0.41)');
  assert.equal(describeChange(p99(null, { tested: true, pValue: 0.41, significant: false })), 'p99 +1.23ms (not significant, p=0.41)');
  const errors: MetricComparison = {
    metric: 'errors',
    baseline: 1,
    candidate: 0.5,
    difference: -0.5,
    relative: null,
    verdict: { tested: false, reason: 'too few seconds to test (3 and 3, 8 needed)' },
  };
  assert.equal(describeChange(errors), 'errors -0.50pp (too few seconds to test (3 and 3, 8 needed))');
});

test('the table names both runs, aligns its columns and gives each metric a verdict', () => {
  const baseline = syntheticRunResult({ seconds: [{ latenciesUs: [1000, 1200, 900] }] });
  const comparisons: MetricComparison[] = [
    {
      metric: 'rate',
      baseline: 100,
      candidate: 99.5,
      difference: -0.5,
      relative: -0.005,
      verdict: { tested: false, reason: 'too few seconds to test (1 and 1, 8 needed)' },
    },
    {
      metric: 'p50',
      baseline: 1,
      candidate: 6.2,
      difference: 5.2,
      relative: 5.2,
      verdict: { tested: true, pValue: 0.002, significant: true, interval: [5.01, 5.43] },
    },
    {
      metric: 'p99',
      baseline: 14.1,
      candidate: 12.9,
      difference: -1.2,
      relative: -0.0851,
      verdict: { tested: true, pValue: 0.41, significant: false, interval: [-10.9, 8.26] },
    },
  ];
  const lines = renderComparison({ name: 'main.json', result: baseline }, { name: 'b.json', result: baseline }, comparisons, DEFAULT_COMPARE_OPTIONS);
  assert.equal(lines[0], 'salvo compare');
  assert.equal(lines[1], '  baseline    main.json   GET http://127.0.0.1:8080/   constant-arrival-rate 100/s for 1s');
  assert.equal(lines[2], '  candidate   b.json      GET http://127.0.0.1:8080/   constant-arrival-rate 100/s for 1s');
  const table = lines.slice(4, 8);
  assert.match(table[0]!, /^ {2}metric +baseline +candidate +Δ +Δ% +95% CI of Δ {3}verdict$/);
  assert.match(table[1]!, /^ {2}throughput +100\/s +99\.5\/s +-0\.5\/s +-0\.5% +too few seconds to test \(1 and 1, 8 needed\)$/);
  assert.match(table[2]!, /^ {2}latency p50 +1ms +6\.2ms +\+5\.2ms +\+520\.0% +\+5\.01ms … \+5\.43ms {3}significant \(p<0\.01\)$/);
  assert.match(table[3]!, /^ {2}latency p99 +14\.1ms +12\.9ms +-1\.2ms +-8\.5% +-10\.9ms … \+8\.26ms {3}no significant difference \(p=0\.41\)$/);
  const verdictColumn = table[0]!.indexOf('verdict');
  for (const row of table.slice(1)) assert.match(row.slice(verdictColumn), /^(too few|significant|no significant)/, 'verdicts start in one column');
  assert.match(lines.join('\n'), /1,000 resamples, seed 1/);
});

test('gate lines say which condition failed and why', () => {
  const comparison = p99(0.123, { tested: true, pValue: 0.004, significant: true });
  assert.deepEqual(
    renderGates([
      { condition: parseFailCondition('p99>+10%'), comparison, failed: true },
      { condition: parseFailCondition('p99>+20%'), comparison, failed: false },
    ]),
    ['  --fail-if p99>+10%: FAILED: p99 +12.3% (significant, p<0.01)', '  --fail-if p99>+20%: passed: p99 +12.3% (significant, p<0.01)'],
  );
});
