import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { thinkTimesByPhase } from '../../src/executors/vu/population.js';
import { PlanError, validatePlan, type PlanInput } from '../../src/plan/index.js';
import type { VuExecutor } from '../../src/plan/executors/index.js';
import { run } from '../../src/runner/index.js';
import { startHttpTarget, type RunningTarget } from '../../src/targets/http-server.js';

const TYPES = [
  { name: 'A', minWaitMs: 100, maxWaitMs: 200 },
  { name: 'B', minWaitMs: 0, maxWaitMs: 0 },
];
const OWN = TYPES.map(({ minWaitMs, maxWaitMs }) => ({ minWaitMs, maxWaitMs }));

const executorOf = (executor: unknown): VuExecutor =>
  validatePlan({
    target: { url: 'http://127.0.0.1:8080/' },
    executor,
    userTypes: TYPES.map((type) => ({ ...type, tasks: [{ name: 't', request: { url: '/' } }] })),
  }).executor as VuExecutor;

describe('think time per phase', () => {
  test("a mix entry's minWaitMs/maxWaitMs override its type's in that phase only; the rest keep their own", () => {
    const cases: [string, unknown, unknown][] = [
      ['constant-vus, no mix', { type: 'constant-vus', vus: 1, durationMs: 1000 }, [OWN]],
      ['constant-vus, a mix without waits', { type: 'constant-vus', vus: 1, durationMs: 1000, userTypes: [{ name: 'A', weight: 1 }] }, [OWN]],
      [
        'ramping-vus, an override',
        { type: 'ramping-vus', stages: [{ targetVus: 2, durationMs: 1000 }], userTypes: [{ name: 'B', weight: 1, minWaitMs: 5, maxWaitMs: 9 }] },
        [[OWN[0], { minWaitMs: 5, maxWaitMs: 9 }]],
      ],
      [
        'phases: one phase overrides, the next does not, the last has no mix',
        {
          type: 'phases',
          phases: [
            {
              durationMs: 1000,
              users: 1,
              spawnRate: 1,
              userTypes: [
                { name: 'A', weight: 1, minWaitMs: 0, maxWaitMs: '1s' },
                { name: 'B', weight: 1 },
              ],
            },
            { durationMs: 1000, users: 1, spawnRate: 1, userTypes: [{ name: 'A', weight: 1 }] },
            { durationMs: 1000, users: 1, spawnRate: 1 },
          ],
        },
        [[{ minWaitMs: 0, maxWaitMs: 1000 }, OWN[1]], OWN, OWN],
      ],
    ];
    for (const [name, executor, expected] of cases) assert.deepEqual(thinkTimesByPhase(executorOf(executor), TYPES), expected, name);
  });

  test('an override gives both bounds, the upper not below the lower', () => {
    const mix = (entry: Record<string, unknown>) => ({ type: 'constant-vus', vus: 1, durationMs: 1000, userTypes: [{ name: 'A', weight: 1, ...entry }] });
    const cases: [Record<string, unknown>, string][] = [
      [{ minWaitMs: 5 }, 'executor.userTypes[0].maxWaitMs: give minWaitMs and maxWaitMs together'],
      [{ maxWaitMs: 5 }, 'executor.userTypes[0].minWaitMs: give minWaitMs and maxWaitMs together'],
      [{ minWaitMs: 5, maxWaitMs: 4 }, 'executor.userTypes[0].maxWaitMs: must not be less than minWaitMs'],
    ];
    for (const [entry, problem] of cases) {
      assert.throws(
        () => executorOf(mix(entry)),
        (error: unknown) => error instanceof PlanError && error.problems.join('\n') === problem,
        JSON.stringify(entry),
      );
    }
  });

  describe('in a run', () => {
    let target: RunningTarget;
    before(async () => {
      target = await startHttpTarget({ port: 0 });
    });
    after(() => target.close());

    test("users wait as the phase they are in says: no wait in phase 1, the type's minute-long wait in phase 2", async () => {
      // The type waits a minute after each task, so without the override a user makes one request in a phase.
      const plan: PlanInput = {
        target: { url: target.url },
        userTypes: [{ name: 'Slow', minWaitMs: '1m', maxWaitMs: '1m', tasks: [{ name: 'home', request: { url: '/' } }] }],
        executor: {
          type: 'phases',
          phases: [
            { durationMs: 500, users: 1, spawnRate: 100, userTypes: [{ name: 'Slow', weight: 1, minWaitMs: 0, maxWaitMs: 0 }] },
            { durationMs: 500, users: 1, spawnRate: 100 },
          ],
        },
        gracefulStopMs: 1000,
      };
      const result = await run(validatePlan(plan));
      const [first, second] = result.breakdown!.phases;
      assert.ok(first!.requests > 10, `phase 1: ${first!.requests} requests, many expected without think time`);
      // The request in flight when phase 2 starts may count there; then the user waits out the run.
      assert.ok(second!.requests <= 1, `phase 2: ${second!.requests} requests, at most 1 expected with a minute's think time`);
    });
  });
});
