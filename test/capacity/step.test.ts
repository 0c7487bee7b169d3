import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureStep, type StartRun } from '../../src/capacity/step.js';
import { parseThreshold } from '../../src/plan/threshold.js';
import { validatePlan } from '../../src/plan/validate.js';
import type { RunResult } from '../../src/result/types.js';
import type { RunHandle } from '../../src/runner/handle.js';
import { type SyntheticSecond, syntheticRunResult } from '../support/synthetic-run-result.js';

const BASE = validatePlan({ target: { url: 'http://127.0.0.1:8080/' }, executor: { type: 'constant-arrival-rate', ratePerSec: 1, durationMs: 1000 } });
const OPTIONS = { warmupMs: 1000, measureMs: 3000, slos: [parseThreshold('p99<50ms')] };

/** Starts no run: hands back the given result, as a run of the step's plan would. */
function replaying(result: RunResult): StartRun {
  return async () => ({ result: Promise.resolve(result) }) as unknown as RunHandle;
}

const answered = (count: number): SyntheticSecond => ({ latenciesUs: Array.from({ length: count }, () => 5000) });

test('the seconds a queueing target takes to answer after the last send are not counted as time at the rate', async () => {
  // 1 s warm-up and 3 s at 100/s, every request sent on time; then a second of answers still owed.
  const result = syntheticRunResult({ seconds: [answered(100), answered(100), answered(100), answered(100), {}] });
  assert.equal(result.series.length, 5);
  const step = await measureStep(BASE, 100, OPTIONS, replaying(result));
  assert.equal(step.generatorLimited, false, step.reason);
  assert.equal(step.passed, true, step.reason);
  assert.equal(step.achievedPerSec, 100);
});

test('a step whose generator sent less than what fell due is still called generator-limited', async () => {
  const result = syntheticRunResult({ seconds: [answered(100), answered(90), answered(90), answered(90), {}] });
  const step = await measureStep(BASE, 100, OPTIONS, replaying(result));
  assert.equal(step.generatorLimited, true);
  assert.equal(step.passed, false);
  assert.match(step.reason, /the generator sent 90% of the requests due/);
});
