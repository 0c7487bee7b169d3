import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { problemsOf } from '../support/plan.js';

const target = { url: 'http://127.0.0.1:8080/' };
const rated = { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 1000 } as const;

describe('plan thresholds', () => {
  test('default to none, and abortOnFail to false', () => {
    assert.deepEqual(validatePlan({ target, executor: rated }).thresholds, []);
    assert.deepEqual(validatePlan({ target, executor: rated, thresholds: [{ expression: 'p99<5ms' }] }).thresholds, [
      { expression: 'p99<5ms', abortOnFail: false },
    ]);
  });

  test('each expression is checked by the threshold parser, with its path', () => {
    assert.deepEqual(problemsOf({ target, executor: rated, thresholds: [{ expression: 'p99<5ms' }, { expression: 'p99<<3' }] }), [
      'thresholds[1].expression: threshold "p99<<3": expected a number after "<"',
    ]);
  });

  test('"target" needs a target rate', () => {
    const maxThroughput = { type: 'max-throughput', durationMs: 1000 };
    assert.deepEqual(problemsOf({ target, executor: maxThroughput, thresholds: [{ expression: 'p99<<3' }, { expression: 'rate>=0.9*target' }] }), [
      'thresholds[0].expression: threshold "p99<<3": expected a number after "<"',
      'thresholds[1].expression: threshold "rate>=0.9*target": "target" needs a target rate, and max-throughput has none',
    ]);
    assert.equal(validatePlan({ target, executor: maxThroughput, thresholds: [{ expression: 'rate>=5000' }] }).thresholds.length, 1);
  });
});
