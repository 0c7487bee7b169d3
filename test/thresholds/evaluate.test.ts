import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judge, observeSecond, observeSummary } from '../../src/thresholds/evaluate.js';
import { parseThreshold } from '../../src/plan/threshold.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

const times = (count: number, us: number): number[] => Array.from({ length: count }, () => us);

describe('judging thresholds on a whole run', () => {
  // Over 2 s against 100 req/s: 198 answers (197 at 1 ms, 1 at 2 ms; a third of each is schedule lag),
  // 2 failures and 50 dropped: p99 1 ms, max 2 ms, mean 1.005 ms, errors 1%, dropped 20%, rate 99 req/s.
  const { summary } = syntheticRunResult({
    seconds: [
      { latenciesUs: times(99, 1000), failed: 1, dropped: 25 },
      { latenciesUs: [...times(98, 1000), 2000], failed: 1, dropped: 25 },
    ],
  });
  const observed = observeSummary(summary);

  test('the synthetic run is what the cases assume', () => {
    const { corrected, uncorrected } = summary.latencyMs;
    assert.deepEqual([corrected.p99, corrected.max, corrected.mean, uncorrected.p99, uncorrected.max], [1, 2, 1.005, 0.667, 1.334]);
    assert.deepEqual([summary.scheduleLagMs.p99, summary.scheduleLagMs.max], [0.333, 0.666]);
    assert.deepEqual(
      [summary.requests.sent, summary.requests.failed, summary.requests.dropped, summary.rate.achieved, summary.rate.target],
      [200, 2, 50, 99, 100],
    );
  });

  const cases: [string, boolean, number, string][] = [
    ['p99<1ms', false, 1, 'ms'],
    ['p99<=1ms', true, 1, 'ms'],
    ['p99==1', true, 1, 'ms'],
    ['p99<1001us', true, 1, 'ms'],
    ['p50>=1000µs', true, 1, 'ms'],
    ['max>2ms', false, 2, 'ms'],
    ['max<=0.002s', true, 2, 'ms'],
    ['mean<1.005ms', false, 1.005, 'ms'],
    ['mean<=1.005ms', true, 1.005, 'ms'],
    ['uncorrected.p99<0.667ms', false, 0.667, 'ms'],
    ['uncorrected.max<=1.334ms', true, 1.334, 'ms'],
    ['lag.p99<=0.333ms', true, 0.333, 'ms'],
    ['lag.max<666us', false, 0.666, 'ms'],
    ['errors<1%', false, 1, '%'],
    ['errors<=1%', true, 1, '%'],
    ['errors==2', true, 2, 'count'],
    ['errors<2', false, 2, 'count'],
    ['dropped<20%', false, 20, '%'],
    ['dropped<=20%', true, 20, '%'],
    ['dropped==50', true, 50, 'count'],
    ['rate>=0.99*target', true, 99, 'req/s'],
    ['rate>0.99*target', false, 99, 'req/s'],
    ['rate>=target', false, 99, 'req/s'],
    ['rate>=99', true, 99, 'req/s'],
    ['rate>99', false, 99, 'req/s'],
  ];
  for (const [expression, passed, actual, unit] of cases) {
    test(`${expression} ${passed ? 'passes' : 'fails'} at ${actual} ${unit}`, () => {
      assert.deepEqual(judge(parseThreshold(expression), observed), { passed, actual, unit });
    });
  }

  test('percentages and rates that floats cannot hold exactly still meet their boundary', () => {
    // 1 of 3 is 33.333…%, and 0.07 × 100 is 7.000000000000001 in floating point.
    const third = observeSummary(syntheticRunResult({ seconds: [{ latenciesUs: [1000, 1000], failed: 1 }] }).summary);
    assert.deepEqual(judge(parseThreshold('errors<=33.333333%'), third), { passed: true, actual: 33.333333, unit: '%' });
    const seven = observeSummary(syntheticRunResult({ seconds: [{ latenciesUs: times(7, 1000) }] }).summary);
    assert.equal(judge(parseThreshold('rate>=0.07*target'), seven)?.passed, true);
  });

  test('a run that sent nothing has 0% errors, not NaN', () => {
    const idle = observeSummary(syntheticRunResult({ seconds: [{}] }).summary);
    assert.deepEqual(judge(parseThreshold('errors<1%'), idle), { passed: true, actual: 0, unit: '%' });
  });

  test('a target rate is needed to compare with one', () => {
    const maxThroughput = observeSummary(
      syntheticRunResult({ seconds: [{ latenciesUs: [1000] }], executor: { type: 'max-throughput', durationMs: 1000 } }).summary,
    );
    assert.throws(() => judge(parseThreshold('rate>=target'), maxThroughput), /this run has no target rate/);
  });
});

describe('judging thresholds on one second', () => {
  // 18 answers at 1 ms and 2 at 2 ms, 5 timeouts: 25 ended (and were sent), and 25 more dropped.
  const [second] = syntheticRunResult({ seconds: [{ latenciesUs: [...times(18, 1000), 2000, 2000], failed: 5, dropped: 25 }] }).series;
  const observed = observeSecond(second!, 50);

  const cases: [string, boolean, number][] = [
    ['p50<=1ms', true, 1],
    ['max<2ms', false, 2],
    ['errors<=20%', true, 20],
    ['errors<20%', false, 20],
    ['dropped==50%', true, 50],
    ['rate>=0.4*target', true, 20],
    ['rate>0.4*target', false, 20],
  ];
  for (const [expression, passed, actual] of cases) {
    test(`${expression} ${passed ? 'passes' : 'fails'} at ${actual}`, () => {
      const outcome = judge(parseThreshold(expression), observed);
      assert.deepEqual([outcome?.passed, outcome?.actual], [passed, actual]);
    });
  }

  test('uncorrected latency and schedule lag are not measured per second', () => {
    assert.equal(judge(parseThreshold('uncorrected.p99<1s'), observed), undefined);
    assert.equal(judge(parseThreshold('lag.max<1s'), observed), undefined);
  });
});
