import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricComparison, Verdict } from '../../src/compare/compare-results.js';
import { conditionHolds, gateFails, parseFailCondition } from '../../src/compare/fail-if.js';

test('conditions parse into metric, operator, scale and threshold', () => {
  const cases: [string, object][] = [
    ['p99>+10%', { metric: 'p99', operator: '>', scale: 'relative', threshold: 0.1 }],
    [' p50 > +2ms ', { metric: 'p50', operator: '>', scale: 'absolute', threshold: 2 }],
    ['p999>+500us', { metric: 'p999', operator: '>', scale: 'absolute', threshold: 0.5 }],
    ['max>+1.5s', { metric: 'max', operator: '>', scale: 'absolute', threshold: 1500 }],
    ['mean<-250µs', { metric: 'mean', operator: '<', scale: 'absolute', threshold: -0.25 }],
    ['rate<-5%', { metric: 'rate', operator: '<', scale: 'relative', threshold: -0.05 }],
    ['rate<-100/s', { metric: 'rate', operator: '<', scale: 'absolute', threshold: -100 }],
    ['rate<-100req/s', { metric: 'rate', operator: '<', scale: 'absolute', threshold: -100 }],
    // The error rate is a percentage: its % are percentage points.
    ['errors>+0.5%', { metric: 'errors', operator: '>', scale: 'absolute', threshold: 0.5 }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseFailCondition(text), { text: text.trim(), ...expected }, text);
});

test('bad conditions are refused with one line that names the problem', () => {
  const cases: [string, RegExp][] = [
    ['p95>+10%', /unknown metric "p95" \(one of rate, errors, p50, p90, p99, p999, max, mean\)/],
    ['p99>10%', /the change needs a sign, e\.g\. p99>\+10% or p99>-10%/],
    ['p99>+10', /p99 changes are written in % or us or µs or ms or s/],
    ['rate>+5ms', /rate changes are written in % or \/s or req\/s/],
    ['errors>+1/s', /errors changes are written in %/],
    ['p99>=+10%', /"=\+10%" is not a change/],
    ['p99', /"p99" is not a condition \(examples: p99>\+10%/],
    ['', /"" is not a condition/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(
      () => parseFailCondition(text),
      (error: Error) => pattern.test(error.message) && !error.message.includes('\n'),
      text,
    );
  }
});

const significant: Verdict = { tested: true, pValue: 0.001, significant: true };
const noise: Verdict = { tested: true, pValue: 0.4, significant: false };
const untested: Verdict = { tested: false, reason: 'too few seconds to test' };
const change = (metric: MetricComparison['metric'], baseline: number, candidate: number, verdict: Verdict): MetricComparison => ({
  metric,
  baseline,
  candidate,
  difference: candidate - baseline,
  relative: baseline === 0 || metric === 'errors' ? null : (candidate - baseline) / baseline,
  verdict,
});

test('a gate fails only when its condition holds and the change is significant', () => {
  const cases: [string, MetricComparison, boolean, boolean][] = [
    // condition, comparison, holds, fails
    ['p99>+10%', change('p99', 10, 11.5, significant), true, true],
    ['p99>+10%', change('p99', 10, 11.5, noise), true, false],
    ['p99>+10%', change('p99', 10, 10.5, significant), false, false],
    ['p99>+10%', change('p99', 10, 8, significant), false, false],
    ['p50>+2ms', change('p50', 1, 3.5, significant), true, true],
    ['p50>+2ms', change('p50', 1, 2.5, significant), false, false],
    ['p99>+10%', change('p99', 0, 1, significant), true, true],
    ['p99<-10%', change('p99', 0, 0, significant), false, false],
    ['rate<-5%', change('rate', 1000, 900, significant), true, true],
    ['rate<-5%', change('rate', 1000, 900, untested), true, false],
    ['rate<-50/s', change('rate', 1000, 960, significant), false, false],
    ['errors>+0.5%', change('errors', 1, 1.6, significant), true, true],
    ['errors>+0.5%', change('errors', 1, 1.4, significant), false, false],
  ];
  for (const [text, comparison, holds, fails] of cases) {
    const condition = parseFailCondition(text);
    assert.equal(conditionHolds(condition, comparison), holds, `${text} holds on ${comparison.baseline} → ${comparison.candidate}`);
    assert.equal(gateFails(condition, comparison), fails, `${text} fails on ${comparison.baseline} → ${comparison.candidate}`);
  }
});
