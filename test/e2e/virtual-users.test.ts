import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import type { RunResult } from '../../src/result/types.js';
import { run } from '../../src/runner/index.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { salvoAsync } from '../support/cli.js';

const SCENARIO = `
import { defineScenario, type UserContext } from 'salvo';

async function home(ctx: UserContext) {
  const response = await ctx.http.get('/');
  ctx.check(response, { 'home is 200': (r) => r.status === 200 });
}

export default defineScenario({
  userTypes: {
    Browser: {
      weight: 2,
      minWaitMs: 5,
      maxWaitMs: 15,
      onStart: (ctx) => {
        ctx.vars.account = ctx.row('accounts').name;
      },
      tasks: {
        home: { weight: 3, run: home },
        browse: {
          iterations: 2,
          tasks: {
            echo: async (ctx) => {
              const response = await ctx.http.post('/echo', { json: { account: ctx.vars.account } });
              ctx.check(response, { 'echo names the account': (r) => r.text().includes(String(ctx.vars.account)) });
            },
            bytes: async (ctx) => void (await ctx.http.get('/bytes/64')),
          },
        },
      },
    },
    Api: {
      minWaitMs: 5,
      maxWaitMs: 5,
      tasks: {
        failing: async (ctx) => void (await ctx.http.get('/status/503', { name: 'status 503' })),
      },
    },
  },
});
`;

const sum = (rows: readonly { requests: number }[]) => rows.reduce((total, row) => total + row.requests, 0);
const failures = (rows: readonly { failures: number }[]) => rows.reduce((total, row) => total + row.failures, 0);

describe('virtual users end to end against the built-in target', () => {
  let target: TargetProcess;
  let dir: string;
  let scenario: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-vu-'));
    scenario = join(dir, 'scenario.ts');
    writeFileSync(scenario, SCENARIO);
    writeFileSync(join(dir, 'accounts.csv'), `name,plan\n${Array.from({ length: 6 }, (_, i) => `acct-${i + 1},pro`).join('\n')}\n`);
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a TypeScript scenario with two user types over two phases: the per-name tables add up', async () => {
    const result: RunResult = await run(
      validatePlan({
        target: { url: target.url },
        executor: {
          type: 'phases',
          phases: [
            { durationMs: 1500, users: 6, spawnRate: 50 },
            { durationMs: 1000, users: 3, spawnRate: 50, userTypes: [{ name: 'Api', weight: 1 }] },
          ],
        },
        scenario,
        data: { accounts: { file: join(dir, 'accounts.csv'), mode: 'split' } },
        seed: 11,
      }),
    );
    const { requests } = result.summary;
    const breakdown = result.breakdown!;
    assert.ok(requests.sent > 100, `${requests.sent} requests`);
    assert.equal(requests.sent, requests.completed + requests.failed);
    for (const rows of [breakdown.tasks, breakdown.userTypes, breakdown.phases]) {
      assert.equal(sum(rows), requests.sent);
      assert.equal(failures(rows), requests.failed);
    }
    const task = (name: string) => breakdown.tasks.find((row) => row.name === name);
    assert.deepEqual(breakdown.tasks.map((row) => row.name).sort(), ['bytes', 'echo', 'home', 'status 503']);
    assert.equal(task('status 503')!.failures, task('status 503')!.requests);
    assert.equal(task('home')!.failures, 0);
    assert.equal(requests.failed, task('status 503')!.requests);
    assert.deepEqual(result.summary.errors, { http5xx: requests.failed });
    assert.deepEqual(breakdown.userTypes.map((row) => row.name).sort(), ['Api', 'Browser']);
    assert.equal(breakdown.phases.length, 2);
    assert.ok(breakdown.phases.every((phase) => phase.requests > 0));
    // Every check ran once per request of its task, and passed: split data gave each user its own account.
    const check = (name: string) => breakdown.checks.find((row) => row.name === name)!;
    assert.deepEqual(check('home is 200'), { name: 'home is 200', passes: task('home')!.requests, fails: 0 });
    assert.deepEqual(check('echo names the account'), { name: 'echo names the account', passes: task('echo')!.requests, fails: 0 });
    assert.deepEqual(breakdown.exceptions, []);
    assert.equal(result.plan.seed, 11);
  });

  test('ctx.http.post(url, { form }) sends a URL-encoded body, as Locust’s post(url, dict); form beside json is an error the task reports', async () => {
    const formScenario = join(dir, 'form.ts');
    writeFileSync(
      formScenario,
      `import { defineScenario } from 'salvo';
export default defineScenario({
  userTypes: {
    Login: {
      minWaitMs: 5,
      maxWaitMs: 5,
      tasks: {
        login: async (ctx) => {
          const echoed = (await ctx.http.post('/echo', { form: { user: 'a b&c', tags: ['x', 'y'], remember: true } })).json<{ headers: Record<string, string>; body: string }>();
          ctx.check(echoed, {
            'form body': (e) => e.body === 'user=a+b%26c&tags=x&tags=y&remember=true',
            'form content type': (e) => e.headers['content-type'] === 'application/x-www-form-urlencoded',
          });
          await ctx.http.post('/echo', { form: { a: '1' }, json: { a: 1 } });
        },
      },
    },
  },
});
`,
    );
    const result = await run(
      validatePlan({ target: { url: target.url }, executor: { type: 'constant-vus', vus: 1, durationMs: 300 }, scenario: formScenario }),
    );
    const breakdown = result.breakdown!;
    const logins = breakdown.tasks.find((row) => row.name === 'login')!.requests;
    assert.ok(logins > 0);
    assert.deepEqual(
      breakdown.checks.map((row) => [row.name, row.fails]),
      [
        ['form body', 0],
        ['form content type', 0],
      ],
    );
    assert.ok(breakdown.checks.every((row) => row.passes === logins));
    assert.deepEqual(
      breakdown.exceptions.map((row) => row.message),
      ['Login/login: a request takes one of body, json or form, not json and form'],
    );
  });

  test('salvo run scenario.ts with --vus and --target: the Locust-like table, and the result file', async () => {
    const out = join(dir, 'result.json');
    const { status, stdout, stderr } = await salvoAsync('run', scenario, '--target', target.url, '--vus', '3', '--duration', '1s', '--out', out);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /constant-vus 3 users for 1s, one connection per user/);
    assert.match(stdout, /task\s+requests\s+failures\s+req\/s\s+p50\s+p95\s+p99\s+max/);
    assert.match(stdout, /user type\s+requests/);
    assert.match(stdout, /check\s+passed\s+failed/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    assert.equal(result.plan.scenario, scenario);
    assert.equal(typeof result.plan.seed, 'number', 'the seed used is recorded');
    assert.equal(sum(result.breakdown!.tasks), result.summary.requests.sent);
  });

  test('a scenario file with a type error in its shape: one line naming the problem', async () => {
    const broken = join(dir, 'broken.ts');
    writeFileSync(
      broken,
      `export default { userTypes: { A: { weight: 0, tasks: { t: 5 } } }, plan: { target: { url: '${target.url}' }, executor: { type: 'constant-vus', vus: 1, durationMs: 100 } } };\n`,
    );
    const { status, stderr } = await salvoAsync('run', broken);
    assert.equal(status, 2, stderr);
    assert.match(
      stderr.trim(),
      /^salvo: error: invalid scenario .*broken\.ts: userTypes\.A\.weight: must be a positive integer; userTypes\.A\.tasks\.t: must be a function/,
    );
    assert.equal(stderr.trim().split('\n').length, 1);
  });

  test('a scenario file that does not compile: one line with file, line and column', async () => {
    const broken = join(dir, 'syntax.ts');
    writeFileSync(broken, 'export default {\n  userTypes: {,\n};\n');
    const { status, stderr } = await salvoAsync('run', broken, '--vus', '1', '--target', target.url);
    assert.equal(status, 2, stderr);
    assert.match(stderr.trim(), /syntax\.ts:2:\d+: /);
    assert.equal(stderr.trim().split('\n').length, 1);
  });
});
