import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { populationAt } from '../../src/executors/vu/population.js';
import { kindOf } from '../../src/plan/executors/index.js';
import { validatePlan } from '../../src/plan/index.js';
import type { VuExecutor } from '../../src/plan/executors/index.js';

const peakUsers = (executor: VuExecutor): number => kindOf(executor).users!.peak(executor);
const phaseNames = (executor: VuExecutor): string[] => kindOf(executor).users!.phaseNames(executor);

const types = [
  { name: 'Browser', weight: 3 },
  { name: 'Api', weight: 1 },
];
const userTypes = types.map(({ name }) => ({ name, tasks: [{ name: 'home', request: { url: '/' } }] }));

function executorOf(executor: Record<string, unknown>): VuExecutor {
  return validatePlan({ target: { url: 'http://127.0.0.1:1/' }, executor, userTypes }).executor as VuExecutor;
}

describe('user population over time', () => {
  test("constant-vus: every user at once, split by the types' weights", () => {
    const executor = executorOf({ type: 'constant-vus', vus: 10, durationMs: 1000 });
    assert.deepEqual(populationAt(executor, types, 0), { phase: 0, step: 0, restart: false, counts: [8, 2], spawnRate: Infinity });
    assert.deepEqual(populationAt(executor, types, 999).counts, [8, 2]);
    assert.equal(peakUsers(executor), 10);
    assert.deepEqual(phaseNames(executor), []);
  });

  test('constant-vus with its own mix', () => {
    const executor = executorOf({ type: 'constant-vus', vus: 4, durationMs: 1000, userTypes: [{ name: 'Api', weight: 1 }] });
    assert.deepEqual(populationAt(executor, types, 0).counts, [0, 4]);
  });

  test('ramping-vus: linear within each stage, like k6', () => {
    const executor = executorOf({
      type: 'ramping-vus',
      startVus: 0,
      stages: [
        { targetVus: 20, durationMs: 2000 },
        { targetVus: 20, durationMs: 1000 },
        { targetVus: 0, durationMs: 1000 },
      ],
    });
    assert.equal(executor.durationMs, 4000);
    const total = (ms: number) => populationAt(executor, types, ms).counts.reduce((a, b) => a + b, 0);
    assert.equal(total(0), 0);
    assert.equal(total(500), 5);
    assert.equal(total(1000), 10);
    assert.equal(total(2500), 20);
    assert.equal(total(3500), 10);
    assert.equal(total(5000), 0);
    assert.equal(peakUsers(executor), 20);
  });

  test('phases: each phase its users, spawn rate and mix', () => {
    const executor = executorOf({
      type: 'phases',
      phases: [
        { durationMs: '60s', users: 100, spawnRate: 10 },
        {
          durationMs: '30s',
          users: 40,
          spawnRate: 5,
          userTypes: [
            { name: 'Browser', weight: 1 },
            { name: 'Api', weight: 1 },
          ],
        },
      ],
    });
    assert.equal(executor.durationMs, 90_000);
    assert.deepEqual(populationAt(executor, types, 59_999), { phase: 0, step: 0, restart: false, counts: [75, 25], spawnRate: 10 });
    assert.deepEqual(populationAt(executor, types, 60_000), { phase: 1, step: 1, restart: false, counts: [20, 20], spawnRate: 5 });
    assert.deepEqual(populationAt(executor, types, 95_000).phase, 1);
    assert.equal(peakUsers(executor), 100);
    assert.deepEqual(phaseNames(executor), ['phase 1 (100 users, from 0 s)', 'phase 2 (40 users, from 60 s)']);
  });
});
