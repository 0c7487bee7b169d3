import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { validatePlan } from '../../src/plan/index.js';
import type { SecondSample } from '../../src/metrics/recorder.js';
import { run, startRun } from '../../src/runner/index.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';

describe('a plan with several scenarios at once', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess();
  });
  after(async () => {
    await target.stop();
  });

  test('each scenario runs its own executor; the result is their exact sum, each summary kept, thresholds on the whole', async () => {
    const seconds: SecondSample[] = [];
    const result = await run(
      validatePlan({
        target: { url: target.url },
        executor: { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 2000 },
        userTypes: [{ name: 'Browser', minWaitMs: 20, maxWaitMs: 20, tasks: [{ name: 'home', request: { url: '/' } }] }],
        scenarios: {
          shoppers: { executor: { type: 'constant-vus', vus: 2, durationMs: 2000 } },
          failing: { executor: { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: 1000 }, target: { url: `${target.url}/status/500` } },
        },
        thresholds: [{ expression: 'errors<50%' }],
      }),
      { onSecond: (sample) => seconds.push(sample) },
    );
    const byName = Object.fromEntries(result.scenarios!.map(({ name, summary }) => [name, summary]));
    assert.deepEqual(Object.keys(byName), ['main', 'shoppers', 'failing']);
    assert.equal(byName.main!.requests.sent, 200);
    assert.equal(byName.failing!.requests.sent, 50);
    assert.equal(byName.failing!.requests.failed, 50);
    assert.ok(byName.shoppers!.requests.sent > 20);
    const sent = Object.values(byName).reduce((sum, summary) => sum + summary.requests.sent, 0);
    assert.equal(result.summary.requests.sent, sent);
    assert.equal(result.summary.requests.failed, 50);
    assert.equal(decodeHistogram(result.histograms.corrected).totalCount, sent);
    assert.equal(result.breakdown!.tasks[0]!.requests, byName.shoppers!.requests.sent);
    assert.equal(result.summary.rate.target, null, 'virtual users have no rate, so the sum has none');
    assert.equal(result.plan.scenarios!.failing!.executor.type, 'constant-arrival-rate');
    assert.deepEqual(
      result.thresholds!.map((threshold) => threshold.passed),
      [true],
    );
    // Live seconds are announced once every scenario has closed them: each holds all three loads.
    assert.ok(seconds.length >= 1);
    assert.ok(seconds[0]!.sent >= 100 + 50, `first second sent ${seconds[0]!.sent}`);
  });

  test('what each scenario has measured is told apart by its name (live metrics label by it): after the run, the counts of its summary', async () => {
    const handle = await startRun(
      validatePlan({
        target: { url: target.url },
        executor: { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 1000 },
        scenarios: { slow: { executor: { type: 'constant-arrival-rate', ratePerSec: 30, durationMs: 1000 }, target: { url: `${target.url}/status/500` } } },
      }),
    );
    const result = await handle.result;
    const parts = handle.measuredSoFar();
    assert.deepEqual(
      parts.map(({ scenario }) => scenario),
      ['main', 'slow'],
    );
    for (const { scenario, state } of parts) {
      const summary = result.scenarios!.find(({ name }) => name === scenario)!.summary;
      assert.equal(state.measured.totals().sent, summary.requests.sent, scenario);
      assert.equal(state.measured.totals().failed, summary.requests.failed, scenario);
    }
  });
});
