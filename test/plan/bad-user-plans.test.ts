import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { problemsOf } from '../support/plan.js';

const target = { url: 'http://127.0.0.1:8080/' };
const browser = { name: 'Browser', tasks: [{ name: 'home', request: { url: '/' } }] };
const users = (executor: Record<string, unknown>, userTypes: unknown[] = [browser], extra: Record<string, unknown> = {}) => ({
  target,
  executor,
  userTypes,
  ...extra,
});
const vus = { type: 'constant-vus', vus: 2, durationMs: 1000 };
const phases = (phase: Record<string, unknown>) => ({ type: 'phases', phases: [{ durationMs: 1000, users: 2, spawnRate: 1, ...phase }] });
const withTask = (task: Record<string, unknown>) => users(vus, [{ name: 'Browser', tasks: [task] }]);

const BAD_USER_PLANS: { name: string; plan: unknown; problems: string[] }[] = [
  {
    name: 'virtual users without user types',
    plan: { target, executor: vus },
    problems: ['userTypes: constant-vus runs virtual users: give userTypes, or a TypeScript scenario file'],
  },
  {
    name: 'both user types and a scenario file',
    plan: users(vus, [browser], { scenario: 's.ts' }),
    problems: ['scenario: give userTypes or a scenario file, not both'],
  },
  {
    name: 'user types for an arrival rate',
    plan: users({ type: 'constant-arrival-rate', ratePerSec: 10, durationMs: 1000 }),
    problems: ['userTypes: applies to virtual-user executors (constant-vus, ramping-vus, phases, held-vus), not constant-arrival-rate'],
  },
  { name: 'zero virtual users', plan: users({ ...vus, vus: 0 }), problems: ['executor.vus: must be at least 1'] },
  { name: 'a fractional user count in a phase', plan: users(phases({ users: 2.5 })), problems: ['executor.phases[0].users: must be a whole number'] },
  { name: 'a zero spawn rate', plan: users(phases({ spawnRate: 0 })), problems: ['executor.phases[0].spawnRate: Too small: expected number to be >0'] },
  { name: 'no phases', plan: users({ type: 'phases', phases: [] }), problems: ['executor.phases: needs at least one phase'] },
  {
    name: 'a phase without a duration',
    plan: users({ type: 'phases', phases: [{ users: 2, spawnRate: 1 }] }),
    problems: ['executor.phases[0].durationMs: must be a number of milliseconds or a duration such as "500ms", "30s" or "2m"'],
  },
  {
    name: 'a negative ramp target',
    plan: users({ type: 'ramping-vus', stages: [{ targetVus: -1, durationMs: 1000 }] }),
    problems: ['executor.stages[0].targetVus: must be 0 or more'],
  },
  {
    name: 'a phase mixing a user type that does not exist',
    plan: users(phases({ userTypes: [{ name: 'Weekend', weight: 2 }] })),
    problems: ['executor.phases[0].userTypes[0].name: no user type named "Weekend" (known: Browser)'],
  },
  {
    name: 'a mix naming a type twice',
    plan: users({
      ...vus,
      userTypes: [
        { name: 'Browser', weight: 1 },
        { name: 'Browser', weight: 2 },
      ],
    }),
    problems: ['executor.userTypes: user type "Browser" is listed twice'],
  },
  {
    name: 'a weight of zero in a mix',
    plan: users(phases({ userTypes: [{ name: 'Browser', weight: 0 }] })),
    problems: ['executor.phases[0].userTypes[0].weight: must be a positive integer'],
  },
  { name: 'a fractional user type weight', plan: users(vus, [{ ...browser, weight: 1.5 }]), problems: ['userTypes[0].weight: must be a positive integer'] },
  { name: 'a user type defined twice', plan: users(vus, [browser, browser]), problems: ['userTypes: user type "Browser" is defined twice'] },
  {
    name: 'a user type without tasks',
    plan: users(vus, [{ name: 'Browser', tasks: [] }]),
    problems: ['userTypes[0].tasks: a user type needs at least one task'],
  },
  {
    name: 'a max wait below the min wait',
    plan: users(vus, [{ ...browser, minWaitMs: '2s', maxWaitMs: '1s' }]),
    problems: ['userTypes[0].maxWaitMs: must not be less than minWaitMs'],
  },
  {
    name: 'a negative think time',
    plan: users(vus, [{ ...browser, minWaitMs: -5 }]),
    problems: ['userTypes[0].minWaitMs: Too small: expected number to be >=0'],
  },
  {
    name: 'a task with neither request nor tasks',
    plan: withTask({ name: 'idle' }),
    problems: ['userTypes[0].tasks[0]: task "idle" needs exactly one of request (a request task) and tasks (a task set)'],
  },
  {
    name: 'a task with both request and tasks',
    plan: withTask({ name: 'both', request: { url: '/' }, tasks: [{ name: 'a', request: { url: '/' } }] }),
    problems: ['userTypes[0].tasks[0]: task "both" needs exactly one of request (a request task) and tasks (a task set)'],
  },
  {
    name: 'checks on a task set',
    plan: withTask({ name: 'set', tasks: [{ name: 'a', request: { url: '/' } }], checks: { status: 200 } }),
    problems: ['userTypes[0].tasks[0].checks: checks apply to a request task'],
  },
  { name: 'an empty task set', plan: withTask({ name: 'set', tasks: [] }), problems: ['userTypes[0].tasks[0].tasks: a task set needs at least one task'] },
  {
    name: 'a nested task with a bad weight',
    plan: withTask({ name: 'set', tasks: [{ name: 'a', weight: -1, request: { url: '/' } }] }),
    problems: ['userTypes[0].tasks[0].tasks[0].weight: must be a positive integer'],
  },
  {
    name: 'a lower-case method',
    plan: withTask({ name: 'a', request: { method: 'get', url: '/' } }),
    problems: ['userTypes[0].tasks[0].request.method: must be an upper-case HTTP method such as GET or POST'],
  },
  {
    name: 'an unknown placeholder',
    plan: withTask({ name: 'a', request: { url: '/items/{{itemId}}' } }),
    problems: [
      'userTypes[0].tasks[0].request.url: unknown placeholder {{itemId}} (use seq, user.id, user.type, vars.<name>, data.<set>.<field>, randomInt, randomString, pick, uuid)',
    ],
  },
  {
    name: 'a bad placeholder inside a JSON body',
    plan: withTask({ name: 'a', request: { method: 'POST', url: '/', json: { n: '{{randomInt 1}}' } } }),
    problems: ['userTypes[0].tasks[0].request.json: {{randomInt 1}}: expected randomInt <min> <max>'],
  },
  {
    name: 'body and json together',
    plan: withTask({ name: 'a', request: { method: 'POST', url: '/', body: 'x', json: {} } }),
    problems: ['userTypes[0].tasks[0].request: give body or json, not both'],
  },
  {
    name: 'a status check out of range',
    plan: withTask({ name: 'a', request: { url: '/' }, checks: { status: 700 } }),
    problems: ['userTypes[0].tasks[0].checks.status: Too big: expected number to be <=599'],
  },
  {
    name: 'virtual users over h2c',
    plan: { ...users(vus), target: { url: 'h2c://127.0.0.1:8080/' } },
    problems: ['target.url: virtual users speak HTTP/1.1: use an http:// or https:// target, not h2c://'],
  },
  {
    name: 'a data set without a file',
    plan: users(vus, [browser], { data: { accounts: { mode: 'split' } } }),
    problems: ['data.accounts.file: Invalid input: expected string, received undefined'],
  },
  {
    name: 'a data set mode salvo does not have',
    plan: users(vus, [browser], { data: { accounts: { file: 'a.csv', mode: 'each' } } }),
    problems: ['data.accounts.mode: Invalid option: expected one of "shared"|"split"'],
  },
  {
    name: 'a scenario named main',
    plan: { target, executor: vus, userTypes: [browser], scenarios: { main: { executor: vus } } },
    problems: ['scenarios.main: "main" is the plan\'s own executor'],
  },
  {
    name: 'a virtual-user scenario beside an arrival rate, without user types',
    plan: { target, executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: 1000 }, scenarios: { shoppers: { executor: vus } } },
    problems: ['scenarios.shoppers.userTypes: constant-vus runs virtual users: give userTypes, or a TypeScript scenario file'],
  },
  {
    name: 'a "target" threshold when a scenario has no rate',
    plan: {
      target,
      executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: 1000 },
      userTypes: [browser],
      scenarios: { shoppers: { executor: vus } },
      thresholds: [{ expression: 'rate>=0.9*target' }],
    },
    problems: ['thresholds[0].expression: threshold "rate>=0.9*target": "target" needs a target rate, and constant-vus (scenario shoppers) has none'],
  },
  {
    name: 'a scenario field salvo does not have',
    plan: { target, executor: vus, userTypes: [browser], scenarios: { extra: { executor: vus, startAfterMs: 5 } } },
    problems: ['scenarios.extra.startAfterMs: unknown field'],
  },
];

describe('bad closed-model plans: every mistake reported with its path', () => {
  test('the table holds at least 20 kinds of mistake', () => assert.ok(BAD_USER_PLANS.length >= 20));
  for (const { name, plan, problems } of BAD_USER_PLANS) {
    test(name, () => assert.deepEqual(problemsOf(plan), problems));
  }

  test('a good plan with YAML user types, task sets and checks loads with its defaults', () => {
    const plan = validatePlan(
      users(phases({}), [
        {
          name: 'Browser',
          weight: 2,
          minWaitMs: '1s',
          maxWaitMs: '2s',
          tasks: [{ name: 'set', iterations: 3, tasks: [{ name: 'a', request: { url: '/{{seq}}' }, checks: { status: [200, 201] } }] }],
        },
      ]),
    );
    const [type] = plan.userTypes!;
    assert.deepEqual({ weight: type!.weight, minWaitMs: type!.minWaitMs, maxWaitMs: type!.maxWaitMs }, { weight: 2, minWaitMs: 1000, maxWaitMs: 2000 });
    assert.deepEqual(type!.tasks[0]!.tasks![0]!.request, { method: 'GET', url: '/{{seq}}', headers: [] });
    assert.equal(plan.executor.durationMs, 1000);
  });
});
