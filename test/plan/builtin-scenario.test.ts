import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { problemsOf } from '../support/plan.js';

const target = { url: 'http://127.0.0.1:8080/' };
const fleet = (executor: unknown, scenarioOptions?: unknown): unknown => ({
  target,
  executor,
  scenario: 'builtin:servo-fleet',
  ...(scenarioOptions !== undefined ? { scenarioOptions } : {}),
});
const users = (vus: number) => ({ type: 'constant-vus', vus, durationMs: 1000 });

describe('a plan running a built-in scenario', () => {
  test('records the scenario options with their defaults filled', () => {
    const plan = validatePlan(fleet(users(10), { apps: 10, progressIntervalMs: '2s' }));
    assert.equal(plan.scenario, 'builtin:servo-fleet');
    assert.deepEqual(plan.scenarioOptions, { apps: 10, account: 'acme', progressReports: 2, progressIntervalMs: 2000 });
  });

  test("checks the options with the scenario's own schema, each problem at its path", () => {
    assert.deepEqual(problemsOf(fleet(users(1), { apps: 0, progressReports: 1.5, colour: 'red' })), [
      'scenarioOptions.apps: must be at least 1',
      'scenarioOptions.progressReports: must be a whole number',
      'scenarioOptions.colour: unknown field',
    ]);
    assert.deepEqual(problemsOf(fleet(users(1))), ['scenarioOptions.apps: needs the number of applications (--apps N)']);
  });

  test('refuses more users at any moment than the scenario is made for', () => {
    assert.deepEqual(problemsOf(fleet(users(11), { apps: 10 })), [
      'executor: builtin:servo-fleet runs at most 10 users with these scenarioOptions, and the executor wants 11',
    ]);
    const ramp = {
      type: 'ramping-vus',
      stages: [
        { targetVus: 12, durationMs: 1000 },
        { targetVus: 0, durationMs: 1000 },
      ],
    };
    assert.deepEqual(problemsOf(fleet(ramp, { apps: 10 })), [
      'executor: builtin:servo-fleet runs at most 10 users with these scenarioOptions, and the executor wants 12',
    ]);
  });

  test('names an unknown built-in, and options without a built-in scenario', () => {
    assert.deepEqual(problemsOf({ target, executor: users(1), scenario: 'builtin:nope' }), ['scenario: no built-in scenario "nope" (built-in: servo-fleet)']);
    assert.deepEqual(problemsOf({ target, executor: users(1), scenario: 'fleet.ts', scenarioOptions: { apps: 1 } }), [
      'scenarioOptions: applies to a built-in scenario (scenario: builtin:<name>)',
    ]);
    assert.deepEqual(problemsOf({ target, executor: { type: 'max-throughput', durationMs: 1000 }, scenarioOptions: { apps: 1 } }), [
      'scenarioOptions: applies to virtual-user executors (constant-vus, ramping-vus, phases, held-vus), not max-throughput',
    ]);
  });
});
