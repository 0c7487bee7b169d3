import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseThreshold, ThresholdSyntaxError, type Limit, type Metric, type Operator } from '../../src/plan/threshold.js';

describe('parseThreshold', () => {
  const valid: [string, Metric, Operator, Limit][] = [
    ['p99<250ms', 'p99', '<', { unit: 'ms', value: 250 }],
    ['p50<=3', 'p50', '<=', { unit: 'ms', value: 3 }],
    ['p90 < 1.1s', 'p90', '<', { unit: 'ms', value: 1100 }],
    ['p999>=500us', 'p999', '>=', { unit: 'ms', value: 0.5 }],
    ['max<2µs', 'max', '<', { unit: 'ms', value: 0.002 }],
    ['mean==.5ms', 'mean', '==', { unit: 'ms', value: 0.5 }],
    ['uncorrected.p99<10ms', 'uncorrected.p99', '<', { unit: 'ms', value: 10 }],
    ['lag.p99<5ms', 'lag.p99', '<', { unit: 'ms', value: 5 }],
    ['lag.max<1s', 'lag.max', '<', { unit: 'ms', value: 1000 }],
    ['errors<1%', 'errors', '<', { unit: '%', value: 1 }],
    ['errors==0', 'errors', '==', { unit: 'count', value: 0 }],
    ['dropped<0.5%', 'dropped', '<', { unit: '%', value: 0.5 }],
    ['dropped<=10', 'dropped', '<=', { unit: 'count', value: 10 }],
    ['rate>=1000', 'rate', '>=', { unit: 'req/s', value: 1000 }],
    ['rate>=0.99*target', 'rate', '>=', { unit: 'target', factor: 0.99 }],
    ['  rate >= 0.99 * target  ', 'rate', '>=', { unit: 'target', factor: 0.99 }],
    ['rate>target', 'rate', '>', { unit: 'target', factor: 1 }],
  ];
  for (const [expression, metric, operator, limit] of valid) {
    test(`${JSON.stringify(expression)} parses`, () => {
      assert.deepEqual(parseThreshold(expression), { expression, metric, operator, limit });
    });
  }

  const invalid: [string, string][] = [
    ['p99<<3', 'expected a number after "<"'],
    ['', 'expected a metric (p50 p90 p99 p999 max mean, uncorrected.<same>, lag.p50 lag.p99 lag.max, errors, dropped or rate)'],
    ['<3ms', 'expected a metric (p50 p90 p99 p999 max mean, uncorrected.<same>, lag.p50 lag.p99 lag.max, errors, dropped or rate)'],
    ['p98<3ms', 'unknown metric "p98" (expected p50 p90 p99 p999 max mean, uncorrected.<same>, lag.p50 lag.p99 lag.max, errors, dropped or rate)'],
    ['lag.p90<3ms', 'unknown metric "lag.p90" (expected p50 p90 p99 p999 max mean, uncorrected.<same>, lag.p50 lag.p99 lag.max, errors, dropped or rate)'],
    ['p99', 'expected an operator (<, <=, >, >= or ==) after "p99"'],
    ['p99 250ms', 'expected an operator (<, <=, >, >= or ==) after "p99"'],
    ['p99=250ms', 'unknown operator "=" (use <, <=, >, >= or ==)'],
    ['p99!=250ms', 'unknown operator "!=" (use <, <=, >, >= or ==)'],
    ['p99<', 'expected a number after "<"'],
    ['p99<-5ms', 'expected a number after "<"'],
    ['p99<250xs', 'unknown unit "xs" after "250" (expected ms, s or us)'],
    ['p99<5constructor', 'unknown unit "constructor" after "5" (expected ms, s or us)'],
    ['p99<5%', 'p99 is a latency: give it in ms, s or us, not %'],
    ['p99<250ms and more', 'unexpected "and more" after "p99<250ms"'],
    ['p99<3.5.5', 'unexpected ".5" after "p99<3.5"'],
    ['errors<1%%', 'unexpected "%" after "errors<1%"'],
    ['errors<150%', 'errors is a share of the requests: 150% is more than all of them (give 0–100%)'],
    ['dropped<=100.5%', 'dropped is a share of the requests: 100.5% is more than all of them (give 0–100%)'],
    ['errors<5ms', 'errors takes a count (5) or a percentage (1%), not "ms"'],
    ['dropped>=1s', 'dropped takes a count (5) or a percentage (1%), not "s"'],
    ['rate>=', 'expected a number or "target" after ">="'],
    ['rate>=0.99*', 'expected "target" after "0.99*"'],
    ['rate>=0.99*goal', 'expected "target" after "0.99*"'],
    ['rate>=5ms', 'rate takes requests per second (1000), a multiple of the target (0.99*target) or "target", not "ms"'],
    ['rate>=targets', 'expected a number or "target" after ">="'],
  ];
  for (const [expression, problem] of invalid) {
    test(`${JSON.stringify(expression)} is refused: ${problem}`, () => {
      assert.throws(
        () => parseThreshold(expression),
        (error: unknown) => error instanceof ThresholdSyntaxError && error.message === `threshold "${expression}": ${problem}`,
      );
    });
  }
});
