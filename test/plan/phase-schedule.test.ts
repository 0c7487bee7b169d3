import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseStepAt, phaseTimesMs, scheduleDurationMs } from '../../src/plan/phase-schedule.js';
import { validatePlan } from '../../src/plan/index.js';
import { problemsOf } from '../support/plan.js';

const phases = [{ durationMs: 1000 }, { durationMs: 2000 }, { durationMs: 500 }];

test('without a run time the phases run once', () => {
  assert.equal(scheduleDurationMs({ phases }), 3500);
  assert.deepEqual(phaseStepAt({ phases }, 0), { phase: 0, step: 0 });
  assert.deepEqual(phaseStepAt({ phases }, 2999), { phase: 1, step: 1 });
  assert.deepEqual(phaseStepAt({ phases }, 10_000), { phase: 2, step: 2 }, 'past the end: the last phase');
  assert.deepEqual(phaseTimesMs({ phases }, 3500), [1000, 2000, 500]);
  assert.deepEqual(phaseTimesMs({ phases }, 2000), [1000, 1000, 0]);
  assert.deepEqual(phaseTimesMs({ phases }, 3600), [1000, 2000, 600], 'the tail after the end counts in the last phase');
});

test('with a run time the phases start over; a phase begun runs to its end, one due at the run time does not start', () => {
  assert.equal(scheduleDurationMs({ phases, runTimeMs: 4000 }), 4500, 'phase 1 again from 3.5 s, to its end');
  assert.equal(scheduleDurationMs({ phases, runTimeMs: 4500 }), 4500, 'phase 2 would start at 4.5 s: not started');
  assert.equal(scheduleDurationMs({ phases, runTimeMs: 7000 }), 7000, 'exactly two cycles');
  assert.equal(scheduleDurationMs({ phases, runTimeMs: 1 }), 1000);
  assert.equal(scheduleDurationMs({ phases, runTimeMs: 86_400_000 }), 86_400_500, 'a day of cycles (the last begun at 86,398,500 ms): arithmetic, no list');
  const schedule = { phases, runTimeMs: 6000 };
  assert.equal(scheduleDurationMs(schedule), 6500);
  assert.deepEqual(phaseStepAt(schedule, 3600), { phase: 0, step: 3 });
  assert.deepEqual(phaseStepAt(schedule, 4600), { phase: 1, step: 4 });
  assert.deepEqual(phaseStepAt(schedule, 9000), { phase: 1, step: 4 });
  assert.deepEqual(phaseTimesMs(schedule, 6500), [2000, 4000, 500]);
  const single = { phases: [{ durationMs: 1000 }], runTimeMs: 2500 };
  assert.deepEqual(
    [0, 999, 1000, 2000].map((ms) => phaseStepAt(single, ms).step),
    [0, 0, 1, 2],
    'one phase repeating: a new step each time',
  );
});

test('plan: runTimeMs and restart on the phases executor; bad values named', () => {
  const plan = (executor: Record<string, unknown>) => ({
    target: { url: 'http://127.0.0.1:1/' },
    executor,
    userTypes: [{ name: 'A', tasks: [{ name: 't', request: { url: '/' } }] }],
  });
  const ok = { type: 'phases', phases: [{ durationMs: '1s', users: 2, spawnRate: 10, restart: true }], runTimeMs: '3.5s' };
  assert.equal(validatePlan(plan(ok)).executor.durationMs, 4000);
  assert.deepEqual(problemsOf(plan({ ...ok, runTimeMs: 0 })), ['executor.runTimeMs: Too small: expected number to be >0']);
  assert.match(problemsOf(plan({ ...ok, runTimeMs: 'soon' })).join(), /executor\.runTimeMs/);
  assert.match(
    problemsOf(plan({ ...ok, phases: [{ durationMs: '1s', users: 2, spawnRate: 10, restart: 'yes' }] })).join(),
    /executor\.phases\[0\]\.restart: .*expected boolean/,
  );
});
