import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { ThresholdWatch } from '../../src/thresholds/watch.js';
import { syntheticRunResult, type SyntheticSecond } from '../support/synthetic-run-result.js';

const planWith = (thresholds: { expression: string; abortOnFail?: boolean }[], durationMs = 5000) =>
  validatePlan({ target: { url: 'http://127.0.0.1:1/' }, executor: { type: 'constant-arrival-rate', ratePerSec: 20, durationMs }, thresholds });

const times = (count: number, us: number): number[] => Array.from({ length: count }, () => us);
const FAST: SyntheticSecond = { latenciesUs: times(20, 1000) };
const SLOW: SyntheticSecond = { latenciesUs: times(20, 2000) };
/** The closed seconds of a run made of `seconds`, numbered from 0. */
const secondsOf = (...seconds: SyntheticSecond[]) => syntheticRunResult({ seconds }).series;
const wholeRun = syntheticRunResult({ seconds: Array.from({ length: 5 }, () => FAST) }).summary;

describe('ThresholdWatch', () => {
  test('the first abort-on-fail failure in a second ends the run, and is what its result reports', () => {
    const watch = new ThresholdWatch(planWith([{ expression: 'p99<1.5ms', abortOnFail: true }, { expression: 'errors<1%' }]));
    assert.deepEqual(
      secondsOf(FAST, SLOW, SLOW).map((second) => watch.failsSecond(second)),
      [false, true, false],
    );
    assert.deepEqual(watch.results(wholeRun, 'threshold'), [
      { expression: 'p99<1.5ms', passed: false, actual: 2, unit: 'ms', second: 1, abortedRun: true },
      { expression: 'errors<1%', passed: true, actual: 0, unit: '%' },
    ]);
  });

  test('seconds with fewer than 10 requests are not judged', () => {
    const watch = new ThresholdWatch(planWith([{ expression: 'p99<1.5ms', abortOnFail: true }]));
    const seconds = secondsOf({ latenciesUs: times(9, 100_000) }, { latenciesUs: times(10, 100_000) });
    assert.deepEqual(
      seconds.map((second) => watch.failsSecond(second)),
      [false, true],
    );
  });

  test('seconds after sending ended are not judged', () => {
    const watch = new ThresholdWatch(planWith([{ expression: 'rate>=0.9*target', abortOnFail: true }], 2000));
    const halfAnswered: SyntheticSecond = { latenciesUs: times(10, 1000), failed: 10 };
    const [, inside, after] = secondsOf(FAST, halfAnswered, halfAnswered);
    assert.equal(watch.failsSecond(after!), false);
    assert.equal(watch.failsSecond(inside!), true, 'the same second inside the duration fails');
  });

  test('thresholds without abortOnFail never end the run', () => {
    const watch = new ThresholdWatch(planWith([{ expression: 'p99<1.5ms' }, { expression: 'uncorrected.p99<1us', abortOnFail: true }]));
    assert.equal(watch.failsSecond(secondsOf(SLOW)[0]!), false);
    assert.deepEqual(watch.results(wholeRun, undefined), [
      { expression: 'p99<1.5ms', passed: true, actual: 1, unit: 'ms' },
      { expression: 'uncorrected.p99<1us', passed: false, actual: 0.667, unit: 'ms' },
    ]);
  });

  test('a failing second in a run that ended on its own still fails its threshold, without abortedRun', () => {
    const watch = new ThresholdWatch(planWith([{ expression: 'p99<1.5ms', abortOnFail: true }]));
    watch.failsSecond(secondsOf(FAST, FAST, FAST, FAST, SLOW)[4]!);
    assert.deepEqual(watch.results(wholeRun, undefined), [{ expression: 'p99<1.5ms', passed: false, actual: 2, unit: 'ms', second: 4 }]);
  });

  test('a run cut short by a signal or by code is not judged', () => {
    const watch = new ThresholdWatch(planWith([{ expression: 'p99<1.5ms', abortOnFail: true }]));
    assert.equal(watch.results(wholeRun, 'SIGINT'), undefined);
    assert.equal(watch.results(wholeRun, 'stopped'), undefined);
  });

  test('a plan without thresholds gives no results', () => {
    assert.equal(new ThresholdWatch(planWith([])).results(wholeRun, undefined), undefined);
  });
});
