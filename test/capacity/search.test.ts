import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kneeOf } from '../../src/capacity/knee.js';
import { searchCapacity, type MeasureStep, type SearchOptions } from '../../src/capacity/search.js';
import type { CapacityStep } from '../../src/capacity/types.js';

const OPTIONS: SearchOptions = { startRatePerSec: 50, maxRatePerSec: 100_000, precision: 0.03, budgetMs: 90_000, stepMs: 5000, slos: ['p99<50ms'] };

/**
 * A simulated target of `capacity` req/s behind an SLO: a step passes below it and fails above,
 * with p99 flat until 80% of it and climbing after; each step takes `stepMs` of a fake clock.
 */
function target(capacity: number, options: { generatorLimitAbove?: number; flakyAt?: number } = {}) {
  let nowMs = 0;
  const tried: number[] = [];
  const measure: MeasureStep = async (ratePerSec, confirmation) => {
    nowMs += OPTIONS.stepMs;
    tried.push(ratePerSec);
    const p99Ms = ratePerSec < 0.8 * capacity ? 5 : 5 + 200 * (ratePerSec / capacity - 0.8);
    const generatorLimited = options.generatorLimitAbove !== undefined && ratePerSec > options.generatorLimitAbove;
    const passed = !generatorLimited && ratePerSec <= capacity && !(confirmation && ratePerSec === options.flakyAt);
    const step: CapacityStep = {
      ratePerSec,
      achievedPerSec: Math.min(ratePerSec, capacity),
      passed,
      reason: passed ? 'met' : 'missed',
      p99Ms,
      errorsPercent: 0,
      generatorLimited,
      ...(confirmation ? { confirmation } : {}),
    };
    return step;
  };
  return { measure, now: () => nowMs, tried };
}

describe('searchCapacity', () => {
  for (const capacity of [7, 500, 1234, 80_000]) {
    test(`finds ${capacity} req/s within the precision below, never above, in the time budget`, async () => {
      const { measure, now } = target(capacity);
      const result = await searchCapacity(OPTIONS, measure, now);
      assert.ok(result.sustainableRatePerSec <= capacity, `${result.sustainableRatePerSec} above ${capacity}`);
      assert.ok(result.sustainableRatePerSec >= capacity * (1 - 2 * OPTIONS.precision) - 1, `${result.sustainableRatePerSec} too far below ${capacity}`);
      assert.ok(result.durationMs <= OPTIONS.budgetMs);
      const last = result.steps.at(-1)!;
      assert.equal(last.confirmation, true);
      assert.equal(last.ratePerSec, result.sustainableRatePerSec);
    });
  }

  test('never tries a rate at or above one that failed, once one has failed', async () => {
    const { measure, now, tried } = target(500);
    await searchCapacity(OPTIONS, measure, now);
    const firstFail = tried.findIndex((rate) => rate > 500);
    let lowestFailed = tried[firstFail]!;
    for (const rate of tried.slice(firstFail + 1)) {
      assert.ok(rate < lowestFailed || rate <= 500, `${rate} tried after ${lowestFailed} failed`);
      if (rate > 500) lowestFailed = Math.min(lowestFailed, rate);
    }
  });

  test('a generator-limited step ends the climb: the answer is what the generator could show, and says so', async () => {
    const { measure, now } = target(10_000, { generatorLimitAbove: 1000 });
    const result = await searchCapacity(OPTIONS, measure, now);
    assert.ok(result.sustainableRatePerSec <= 1000);
    assert.match(result.stoppedBecause, /generator could not send/);
    assert.ok(result.steps.some((step) => step.generatorLimited && !step.passed));
  });

  test('a failed confirmation lowers the answer and confirms again', async () => {
    const { measure, now } = target(500, { flakyAt: 500 });
    const result = await searchCapacity({ ...OPTIONS, startRatePerSec: 125 }, measure, now);
    assert.ok(result.sustainableRatePerSec < 500);
    const confirmations = result.steps.filter((step) => step.confirmation);
    assert.ok(confirmations.length >= 2 && confirmations.at(-1)!.passed);
    assert.match(confirmations[0]!.reason, /confirmation failed/);
  });

  test('--max-rate bounds the climb; a target that takes it all is reported at the max', async () => {
    const { measure, now, tried } = target(1e9);
    const result = await searchCapacity({ ...OPTIONS, maxRatePerSec: 3000 }, measure, now);
    assert.ok(Math.max(...tried) <= 3000);
    assert.equal(result.sustainableRatePerSec, 3000);
  });

  test('the time budget ends the search with what it has', async () => {
    const { measure, now } = target(500);
    const result = await searchCapacity({ ...OPTIONS, budgetMs: 22_000 }, measure, now);
    assert.ok(result.steps.length <= 4);
    assert.match(result.stoppedBecause, /time budget/);
  });

  test('the knee is the highest passing rate whose p99 stayed within twice the lowest', () => {
    const step = (ratePerSec: number, p99Ms: number, passed = true): CapacityStep => ({
      ratePerSec,
      achievedPerSec: ratePerSec,
      passed,
      reason: '',
      p99Ms,
      errorsPercent: 0,
      generatorLimited: false,
    });
    assert.equal(kneeOf([step(100, 5), step(200, 6), step(400, 9), step(450, 30), step(800, 90, false)]), 400);
    assert.equal(kneeOf([]), null);
  });
});

describe('salvo capacity: bad input', () => {
  test('one line, exit 2', async () => {
    const { assertUsageError } = await import('../support/cli.js');
    const url = 'http://127.0.0.1:9/';
    assertUsageError(['capacity', url], /give at least one --slo/);
    assertUsageError(['capacity', url, '--slo', 'p99<<5ms'], /--slo.*threshold "p99<<5ms"/);
    assertUsageError(['capacity', url, '--slo', 'rate>=0.9*target'], /has no one target rate/);
    assertUsageError(['capacity', url, '--slo', 'p99<50ms', '--max-rate', 'x'], /--max-rate.*not a rate/);
    assertUsageError(['capacity', url, '--slo', 'p99<50ms', '--start-rate', '500', '--max-rate', '100'], /--start-rate 500 is above --max-rate 100/);
    assertUsageError(['capacity', url, '--slo', 'p99<50ms', '--precision', '2'], /--precision.*0\.005 to 0\.5/);
    assertUsageError(['capacity', url, '--slo', 'p99<50ms', '--budget', 'soon'], /--budget.*not a duration/);
    assertUsageError(['capacity', 'ftp://x/', '--slo', 'p99<50ms'], /unsupported scheme/);
  });
});
