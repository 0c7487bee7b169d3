import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VirtualUserExecutor } from '../../src/executors/vu/executor.js';
import { Breakdown } from '../../src/metrics/breakdown.js';
import { validatePlan } from '../../src/plan/index.js';
import type { VuExecutor } from '../../src/plan/executors/index.js';
import { UserConnections } from '../../src/protocols/http1/user-connections.js';
import type { ExchangeListener } from '../../src/protocols/transport.js';
import { DataSets } from '../../src/scenario/data.js';
import type { Step, UserTypeModel } from '../../src/scenario/model.js';
import { FakeClock } from '../../src/time/fake-clock.js';

const noSockets = () => {
  throw new Error('these users make no requests');
};
const quietListener: ExchangeListener = { onSent() {}, onResponse() {}, onFailure() {}, onSlotFree() {} };

function userType(name: string, run: Step, fields: Partial<UserTypeModel> = {}): UserTypeModel {
  return { name, weight: 1, minWaitMs: 100, maxWaitMs: 100, tasks: [{ name: `${name}-task`, weight: 1, iterations: 1, run }], ...fields };
}

function executorOf(executor: Record<string, unknown>, types: UserTypeModel[]): VuExecutor {
  const userTypes = types.map(({ name, weight }) => ({ name, weight, tasks: [{ name: 'x', request: { url: '/' } }] }));
  return validatePlan({ target: { url: 'http://127.0.0.1:1/' }, executor, userTypes }).executor as VuExecutor;
}

/** A run on a fake clock: advancing it lets the users' promises settle between steps, as real time would. */
function harness(executorSpec: Record<string, unknown>, types: UserTypeModel[], gracefulStopMs = 1000, share?: { index: number; count: number }) {
  const clock = new FakeClock();
  const executor = executorOf(executorSpec, types);
  const breakdown = new Breakdown([]);
  const running = new VirtualUserExecutor(executor, {
    clock,
    connections: new UserConnections(noSockets, clock, quietListener),
    startUs: 0,
    durationUs: executor.durationMs * 1000,
    types,
    breakdown,
    data: DataSets.empty(),
    base: new URL('http://127.0.0.1:1/'),
    seed: 1,
    gracefulStopMs,
    ...(share ? { share } : {}),
  });
  let issued = 0;
  running.start(() => issued++);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    clock,
    running,
    breakdown,
    issued: () => issued,
    /** Advances to `ms` after time zero in 10 ms steps. */
    async until(ms: number): Promise<void> {
      while (clock.nowUs() < ms * 1000) {
        clock.advance(Math.min(10_000, ms * 1000 - clock.nowUs()));
        await settle();
      }
      await settle();
    },
  };
}

describe('virtual users on a fake clock', () => {
  test('phases: users spawn at the spawn rate, the mix switches at the boundary, the run ends cleanly', async () => {
    const stopped: string[] = [];
    const types = [userType('A', () => {}, { onStop: () => void stopped.push('A') }), userType('B', () => {}, { onStop: () => void stopped.push('B') })];
    const run = harness(
      {
        type: 'phases',
        phases: [
          { durationMs: 2000, users: 10, spawnRate: 5, userTypes: [{ name: 'A', weight: 1 }] },
          { durationMs: 2000, users: 4, spawnRate: 10, userTypes: [{ name: 'B', weight: 1 }] },
        ],
      },
      types,
    );
    // The first user at once, then one every 200 ms: mid-way between spawns, 1 + k users.
    for (let k = 0; k < 10; k++) {
      await run.until(100 + 200 * k);
      assert.deepEqual(run.running.counts(), [1 + k, 0], `at ${100 + 200 * k} ms`);
    }
    await run.until(1990);
    assert.deepEqual(run.running.counts(), [10, 0]);
    assert.equal(run.running.currentPhase(), 0);
    // Phase 2 wants 0 A and 4 B: 14 changes at 10/s, the type furthest from its count first.
    await run.until(2050);
    assert.equal(run.running.currentPhase(), 1);
    assert.deepEqual(run.running.counts(), [9, 0]);
    await run.until(3400);
    assert.deepEqual(run.running.counts(), [0, 4]);
    // Every A user stopped after its task and ran its onStop; no B user stopped yet.
    assert.deepEqual(stopped, Array(10).fill('A'));
    assert.equal(run.issued(), 0);
    await run.until(4000);
    assert.equal(run.issued(), 1, 'the run ends once every user has finished');
    assert.deepEqual(stopped, [...Array(10).fill('A'), ...Array(4).fill('B')]);
  });

  test('think time stays within minWaitMs..maxWaitMs and varies', async () => {
    const starts = new Map<number, number[]>();
    const types = [
      userType(
        'Thinker',
        (ctx) => {
          const list = starts.get(ctx.user.id) ?? [];
          list.push(run.clock.nowUs() / 1000);
          starts.set(ctx.user.id, list);
        },
        { minWaitMs: 100, maxWaitMs: 300 },
      ),
    ];
    const run = harness({ type: 'constant-vus', vus: 3, durationMs: 20_000 }, types);
    await run.until(20_000);
    const gaps = [...starts.values()].flatMap((times) => times.slice(1).map((time, index) => time - times[index]!));
    assert.ok(gaps.length > 150, `${gaps.length} gaps`);
    for (const gap of gaps) assert.ok(gap >= 100 && gap <= 310, `gap ${gap} ms`); // the 10 ms step is the clock's grain
    assert.ok(Math.min(...gaps) < 130 && Math.max(...gaps) > 270, 'waits spread over the range');
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    assert.ok(mean > 180 && mean < 225, `mean gap ${mean} ms`);
  });

  test('a user that overstays its graceful stop is cut off, and the run still ends', async () => {
    const types = [userType('Stuck', () => new Promise(() => {})), userType('Fine', () => {})];
    const run = harness(
      {
        type: 'phases',
        phases: [
          { durationMs: 1000, users: 2, spawnRate: 100, userTypes: [{ name: 'Stuck', weight: 1 }] },
          { durationMs: 3000, users: 1, spawnRate: 100, userTypes: [{ name: 'Fine', weight: 1 }] },
        ],
      },
      types,
      500,
    );
    await run.until(1100);
    assert.deepEqual(run.running.counts(), [0, 1]);
    await run.until(4000);
    assert.equal(run.issued(), 1);
  });

  test('setConcurrency changes the user count mid-run, keeping the mix', async () => {
    const types = [userType('A', () => {}, { weight: 3 }), userType('B', () => {})];
    const run = harness({ type: 'constant-vus', vus: 4, durationMs: 2000 }, types);
    await run.until(100);
    assert.deepEqual(run.running.counts(), [3, 1]);
    run.running.setConcurrency(8);
    await run.until(200);
    assert.deepEqual(run.running.counts(), [6, 2]);
    assert.throws(() => run.running.setRate(), /no arrival rate/);
    await run.until(2000);
    assert.equal(run.issued(), 1);
  });

  test('a share of the plan (a shard or a worker) runs its users of each type, numbered as in the whole plan, at its share of the spawn rate', async () => {
    const ids: number[][] = [[], [], []];
    for (const index of [1, 2, 3]) {
      const types = [
        userType('A', () => {}, { weight: 4, onStart: (ctx) => void ids[index - 1]!.push(ctx.user.id) }),
        userType('B', () => {}, { onStart: (ctx) => void ids[index - 1]!.push(ctx.user.id) }),
      ];
      const run = harness({ type: 'phases', phases: [{ durationMs: 3000, users: 10, spawnRate: 6 }] }, types, 1000, { index, count: 3 });
      await run.until(50);
      assert.equal(
        run.running.counts().reduce((a, b) => a + b, 0),
        1,
        'one user at once',
      );
      await run.until(2900);
      assert.deepEqual(
        run.running.counts(),
        [
          [3, 1],
          [3, 0],
          [2, 1],
        ][index - 1],
      );
    }
    assert.deepEqual(
      ids.flat().sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      'ids unique over the shares',
    );
    assert.deepEqual(ids[1], [2, 5, 8]);
  });

  test('a task that throws is counted and the user goes on', async () => {
    let calls = 0;
    const types = [
      userType('Thrower', () => {
        calls++;
        throw new Error('boom');
      }),
    ];
    const run = harness({ type: 'constant-vus', vus: 2, durationMs: 1000 }, types);
    await run.until(1000);
    assert.ok(calls >= 18, `${calls} calls`);
    assert.deepEqual(run.breakdown.result().exceptions, [{ message: 'Thrower/Thrower-task: boom', count: calls }]);
  });
});
