import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvoAsync } from '../support/cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('salvo run --workers', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-workers-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--workers 2 writes one result of the whole load, with each worker in the summary', async () => {
    const out = join(dir, 'two.json');
    const { status, stdout, stderr } = await salvoAsync('run', target.url, '--rate', '200', '-d', '1s', '-c', '4', '--workers', '2', '--out', out);
    assert.equal(status, 0, stderr);
    const result = await readResult(out);
    assert.equal(result.workers?.count, 2);
    assert.equal(result.summary.requests.sent + result.summary.requests.dropped, 200);
    assert.match(stdout, /^ {2}workers {5}2 threads, main thread [\d.]+% busy joining them, \S+ merging$/m);
    assert.match(stdout, /^ {4}worker 1\/2 +CPU [\d.]+% +event-loop delay p99 \S+ +schedule lag p99 \S+$/m);
    assert.match(stdout, /^ {4}worker 2\/2 /m);
  });

  test('a plan file says run.workers, and auto means one per available core', async () => {
    const planFile = join(dir, 'plan.yaml');
    writeFileSync(
      planFile,
      `target: { url: ${target.url} }\nexecutor: { type: constant-arrival-rate, ratePerSec: 100, durationMs: 500ms }\nconnections: 4\nrun: { workers: 2, quiet: true }\n`,
    );
    const fromPlan = await salvoAsync('run', planFile, '--out', join(dir, 'plan.json'));
    assert.equal(fromPlan.status, 0, fromPlan.stderr);
    assert.equal((await readResult(join(dir, 'plan.json'))).workers?.count, 2);
    const auto = await salvoAsync('run', planFile, '--workers', 'auto', '--out', join(dir, 'auto.json'));
    assert.equal(auto.status, 0, auto.stderr);
    // One core runs in this thread, as without --workers.
    assert.equal((await readResult(join(dir, 'auto.json'))).workers?.count ?? 1, availableParallelism());
  });

  test('SIGINT still writes the joined result, marked interrupted, and exits 130', async () => {
    const out = join(dir, 'interrupted.json');
    const child = spawn(process.execPath, [MAIN, 'run', target.url, '--rate', '200', '-d', '30s', '--workers', '2', '--progress', '1s', '--out', out], {
      stdio: 'pipe',
    });
    let stdout = '';
    await new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (/\d+\/s of/.test(stdout)) resolve();
      }),
    );
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 130);
    const result = await readResult(out);
    assert.equal(result.interruptReason, 'SIGINT');
    assert.equal(result.workers?.count, 2);
    assert.ok(result.summary.requests.sent >= 100, `sent ${result.summary.requests.sent}`);
  });

  const refused: [string[], RegExp][] = [
    [['--workers', '0'], /--workers.*must be at least 1/],
    [['--workers', 'many'], /--workers.*not a whole number/],
    [['--workers', '300'], /--workers.*more than 256/],
    [['--workers', '3', '-c', '2'], /^salvo: error: 3 workers need at least 3 connections to share, the plan has 2$/],
    [['--workers', '2', '--ndjson', 'x.ndjson'], /--ndjson logs each request from one thread: leave out --workers/],
  ];
  for (const [args, pattern] of refused) {
    test(`refuses ${args.join(' ')}`, () => assertUsageError(['run', target.url, '--rate', '10', '-d', '100ms', ...args], pattern));
  }

  test('virtual users are split over the threads with none lost, numbered as in one thread; scenarios are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'salvo-workers-vu-'));
    try {
      const scenario = join(dir, 'scenario.ts');
      writeFileSync(
        scenario,
        `export default { userTypes: {
          A: { weight: 2, minWaitMs: 20, maxWaitMs: 20, onStart: (ctx) => ctx.count('user ' + ctx.user.id), tasks: { home: async (ctx) => void (await ctx.http.get('/')) } },
          B: { minWaitMs: 20, maxWaitMs: 20, onStart: (ctx) => ctx.count('user ' + ctx.user.id), tasks: { echo: async (ctx) => void (await ctx.http.get('/echo')) } },
        } };\n`,
      );
      const out = join(dir, 'users.json');
      const { status, stderr } = await salvoAsync(
        'run',
        scenario,
        '--target',
        target.url,
        '--vus',
        '5',
        '--duration',
        '1s',
        '--workers',
        '2',
        '--quiet',
        '--out',
        out,
      );
      assert.equal(status, 0, stderr);
      const result = await readResult(out);
      assert.equal(result.workers?.count, 2);
      const breakdown = result.breakdown!;
      assert.deepEqual(breakdown.counters.map((counter) => counter.name).sort(), ['user 1', 'user 2', 'user 3', 'user 4', 'user 5']);
      assert.deepEqual(breakdown.tasks.map((task) => task.name).sort(), ['echo', 'home']);
      assert.equal(
        breakdown.tasks.reduce((sum, task) => sum + task.requests, 0),
        result.summary.requests.sent,
      );
      const scenarios = join(dir, 'scenarios.yaml');
      writeFileSync(
        scenarios,
        `target: { url: "${target.url}" }\nexecutor: { type: constant-arrival-rate, ratePerSec: 10, durationMs: 100 }\nscenarios: { other: { executor: { type: max-throughput, durationMs: 100 } } }\n`,
      );
      assertUsageError(['run', scenarios, '--workers', '2'], /--workers does not run a plan with scenarios yet/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
