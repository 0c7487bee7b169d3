import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { WORKER_CALL, WORKER_PROTO } from '../../src/targets/grpc-worker.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import type { SweepManifest } from '../../src/sweep/study-dir.js';
import { assertUsageError, salvo } from '../support/cli.js';
import { scratchDir } from '../support/scratch.js';
import { readDashboardStream, sendControl, type StreamEvent } from '../support/dashboard-stream.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

const workerPlan = (url: string) => ({
  target: { url, proto: WORKER_PROTO, call: WORKER_CALL, data: '{"ms": {{grid.spinMs}}}' },
  executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: '1s' },
  connections: 4,
});

/** A sweep file (and its plan file beside it) in a fresh directory; returns the sweep file's path. */
function sweepFile(sweep: Record<string, unknown>, plan?: Record<string, unknown>): string {
  const dir = scratchDir('salvo-sweep-cli-');
  if (plan) writeFileSync(join(dir, 'plan.yaml'), stringify(plan));
  const file = join(dir, 'study.yaml');
  writeFileSync(file, stringify(sweep));
  return file;
}

describe('salvo sweep: bad sweep files fail in one line each, with the path, exit 2', () => {
  const url = 'grpc://127.0.0.1:50051';
  test('a missing or unreadable file, bad YAML', () => {
    assertUsageError(['sweep', '/no/such/study.yaml'], /^salvo: error: no sweep file \/no\/such\/study\.yaml$/);
    const dir = scratchDir('salvo-sweep-cli-');
    writeFileSync(join(dir, 'broken.yaml'), 'grid: [1,\n');
    assertUsageError(['sweep', join(dir, 'broken.yaml')], /broken\.yaml:\d+:\d+: YAML syntax error/);
  });

  test('a bad grid key, a bad value, a plan file that is not there', () => {
    assertUsageError(
      ['sweep', sweepFile({ plan: workerPlan(url), grid: { 'executor.rate': [1], spinMs: [1] } })],
      /^salvo: error: invalid sweep .*study\.yaml: grid\.executor\.rate: the plan has no field executor\.rate$/,
    );
    assertUsageError(
      ['sweep', sweepFile({ plan: workerPlan(url), grid: { spin: [1], spinMs: [2] } })],
      /^salvo: error: invalid sweep .*: grid\.spin: not a plan field, a shortcut \(rate, arrival\) or a placeholder: no string of the plan uses \{\{grid\.spin\}\}$/,
    );
    assertUsageError(
      ['sweep', sweepFile({ plan: workerPlan(url), grid: { spinMs: { from: 1, to: 2 } } })],
      /^salvo: error: invalid sweep .*: grid\.spinMs: must be a list of values or \{from, to, step\}$/,
    );
    assertUsageError(
      ['sweep', sweepFile({ plan: 'plan.yaml', grid: { spinMs: [1] } })],
      /^salvo: error: invalid sweep .*: plan: cannot read .*plan\.yaml: ENOENT$/,
    );
  });

  test('several problems: one line each under the file’s name', () => {
    const { status, stderr } = salvo('sweep', sweepFile({ plan: workerPlan(url), grid: { spinMs: [1] }, repeats: 0, order: 'random' }));
    assert.equal(status, 2);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.match(stderr.split('\n')[0]!, /^salvo: error: invalid sweep .*study\.yaml:$/);
    assert.deepEqual(stderr.trimEnd().split('\n').slice(1), [
      '  repeats: Too small: expected number to be >=1',
      '  order: Invalid option: expected one of "shuffled"|"fixed"',
    ]);
    const cells = salvo('sweep', sweepFile({ plan: workerPlan(url), grid: { rate: [0, 5], connections: [0], spinMs: [1] }, order: 'fixed' }));
    assert.equal(cells.status, 2);
    assert.deepEqual(cells.stderr.trimEnd().split('\n').slice(1), [
      '  cell rate=0 connections=0 spinMs=1: plan.executor.ratePerSec: Too small: expected number to be >0',
      '  cell rate=0 connections=0 spinMs=1: plan.connections: Too small: expected number to be >=1',
    ]);
  });

  test('salvo schema sweep prints the sweep schema, with the plan schema for an inline plan', () => {
    const { status, stdout } = salvo('schema', 'sweep');
    assert.equal(status, 0);
    const schema = JSON.parse(stdout) as { $id: string; properties: Record<string, unknown>; $defs: Record<string, { properties?: Record<string, unknown> }> };
    assert.equal(schema.$id, 'https://salvo.dev/schemas/salvo.sweep.v1.json');
    assert.ok(['plan', 'grid', 'repeats', 'durationMs', 'warmupMs', 'cooldownMs', 'order', 'seed'].every((field) => field in schema.properties));
    assert.ok(schema.$defs.plan!.properties!.executor, 'the inline plan is checked against the plan schema');
    assert.equal(JSON.stringify(schema.$defs.plan).includes('"required"'), false, 'the grid may fill in required plan fields');
    assertUsageError(['schema', 'study'], /'study' is invalid for argument 'kind'\. Allowed choices are plan, sweep/);
  });
});

describe('salvo sweep against a gRPC worker', () => {
  let worker: TargetProcess;
  before(async () => {
    worker = await startTargetProcess('grpc-worker');
  });
  after(() => worker.stop());

  test('--dry-run prints every run and the total time, and runs nothing', () => {
    const file = sweepFile(
      { plan: 'plan.yaml', grid: { rate: [5, 10], spinMs: [1, 2] }, repeats: 2, durationMs: '2s', cooldownMs: '1s', seed: 3 },
      workerPlan(worker.url),
    );
    const outDir = join(file, '..', 'out');
    const { status, stdout } = salvo('sweep', file, '--dry-run', '--out-dir', outDir);
    assert.equal(status, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'sweep study: 4 cells × 2 repeats = 8 runs, order shuffled (seed 3)');
    assert.equal(lines.filter((line) => /^\s+\d\. rate=\d+ spinMs=\d · repeat [12] · 2s$/.test(line)).length, 8);
    assert.equal(lines.at(-1), `total: 23s of sending and pauses; study directory ${outDir}`);
    assert.throws(() => readdirSync(outDir), /ENOENT/);
  });

  test('runs every cell into its directory, is interrupted by Ctrl-C between finished runs, and resumes without redoing one', async () => {
    const file = sweepFile(
      {
        plan: 'plan.yaml',
        grid: { rate: [20, 40], arrival: ['uniform', 'poisson'], spinMs: [1] },
        repeats: 2,
        durationMs: '400ms',
        warmupMs: '100ms',
        cooldownMs: '50ms',
      },
      workerPlan(worker.url),
    );
    const outDir = join(file, '..', 'logs');
    const child = spawn(process.execPath, [MAIN, 'sweep', file, '--out-dir', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const third = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('[3/8]')) resolve();
      }),
    );
    const exited = once(child, 'close');
    await third;
    child.kill('SIGINT');
    const [status] = await exited;
    assert.equal(status, 130, `${stdout}\n${stderr}`);
    assert.match(stdout, /^\[1\/8\] cell [1-4]\/4 rate=\d+ arrival=(uniform|poisson) spinMs=1 · repeat [12]\/2 · \d+s left$/m);
    assert.match(stdout, /interrupted: 2 of 8 runs done; run the same command again to resume/);
    const files = readdirSync(outDir);
    assert.deepEqual(
      files.filter((name) => name.includes('.partial')),
      [],
      'no half-written file',
    );
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as SweepManifest;
    assert.equal(manifest.state, 'interrupted');
    const finished = manifest.runs.filter((run) => run.done).map((run) => run.file);
    assert.deepEqual(
      finished,
      manifest.runs.slice(0, 2).map((run) => run.file),
      'the first two runs in the study’s order',
    );
    assert.deepEqual(files.filter((name) => name.endsWith('.r1.json') || name.endsWith('.r2.json')).sort(), [...finished].sort());
    const before = new Map(finished.map((name) => [name, statSync(join(outDir, name)).mtimeMs]));

    // What a study killed mid-write leaves: never read as a run, removed on resume.
    writeFileSync(join(outDir, 'rate-20_arrival-poisson_spinMs-1.r1.json.999.partial'), '{"schema": "salvo.res');
    const resumed = salvo('sweep', file, '--out-dir', outDir);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming .*: 2 runs already done there are skipped/);
    assert.match(resumed.stdout, /done: 8 runs \(6 now, 2 before\), 4 cells/);
    assert.doesNotMatch(resumed.stdout, /^\[[12]\/8\]/m, 'the finished runs are not run again');
    for (const [name, mtimeMs] of before) assert.equal(statSync(join(outDir, name)).mtimeMs, mtimeMs, `${name} untouched`);
    assert.deepEqual(
      readdirSync(outDir).filter((name) => name.includes('.partial')),
      [],
    );
    const complete = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as SweepManifest;
    assert.equal(complete.state, 'complete');
    assert.equal(complete.seed, manifest.seed);
    assert.equal(complete.startedAt, manifest.startedAt);
    assert.ok(complete.runs.every((run) => run.done));
    assert.equal(complete.machine.cpuCount > 0 && complete.tool.name, 'salvo');

    const rows = parse(readFileSync(join(outDir, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((row) => `${row.rate} ${row.arrival} ${row.spinMs} ${row.repeats}`),
      ['20 uniform 1 2', '20 poisson 1 2', '40 uniform 1 2', '40 poisson 1 2'],
    );
    for (const row of rows) {
      assert.ok(Number(row.completed) > 0 && Number(row.successRate) === 1, JSON.stringify(row));
      assert.ok(Number(row.latencyP99Ms) >= Number(row.latencyP50Ms));
    }
    assert.deepEqual(
      readdirSync(join(outDir, 'plots')).sort(),
      ['heatmap.svg', 'latency.svg', 'success-rate.svg'].concat(rows[0]!.slowdownP50 ? ['slowdown.svg'] : []).sort(),
    );

    // The study is made again from its result files alone.
    const csv = readFileSync(join(outDir, 'results.csv'), 'utf8');
    writeFileSync(join(outDir, 'results.csv'), '');
    const report = salvo('sweep', 'report', outDir);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /written: .*results\.csv\n.*written: .*latency\.svg/);
    assert.equal(readFileSync(join(outDir, 'results.csv'), 'utf8'), csv);

    // Another sweep in the same directory is refused rather than mixed in.
    const other = sweepFile({ plan: 'plan.yaml', grid: { rate: [30], spinMs: [1] }, durationMs: '400ms' }, workerPlan(worker.url));
    assertUsageError(['sweep', other, '--out-dir', outDir], /holds another study \(its plan, grid or settings differ from this sweep\)/);
  });

  test('--dashboard: one page for the study, starting over with each run, whose stop ends the study resumably', async () => {
    const file = sweepFile(
      { plan: 'plan.yaml', grid: { rate: [20, 40], spinMs: [1] }, order: 'fixed', durationMs: '2s', cooldownMs: '100ms' },
      workerPlan(worker.url),
    );
    const outDir = join(file, '..', 'watched');
    const child = spawn(process.execPath, [MAIN, 'sweep', file, '--out-dir', outDir, '--dashboard', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const page = new Promise<string>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /dashboard: (http:\/\/\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      }),
    );
    const exited = once(child, 'close');
    try {
      const url = await page;
      // Each run's stream ends with it; the page connects again and hears of the next run.
      const runs: StreamEvent[][] = [];
      let stopped = false;
      for (let position = 0; position < 2; ) {
        const events = await readDashboardStream(url, async ({ event, data }) => {
          if (stopped || event !== 'frame' || (data.targetPerSec as number) !== 40) return;
          stopped = true;
          const html = await (await fetch(url)).text();
          assert.match(html, /study: run 2\/2 · cell 2\/2 rate=40 spinMs=1 · repeat 1\/1 · \d+s left/);
          assert.match((await sendControl(url, { what: 'rate', value: 80 })).body.error!, /this run takes no rate: it takes stop/);
          assert.equal((await sendControl(url, { what: 'stop' })).status, 200);
        });
        const hello = events.find((event) => event.event === 'hello')?.data.study as { position: number; total: number } | undefined;
        if (hello === undefined || hello.position === position || hello.position === 0) {
          await new Promise((resolve) => setTimeout(resolve, 100)); // as a browser waits (the stream's retry) before it connects again
          continue;
        }
        position = hello.position;
        assert.equal(hello.total, 2);
        runs.push(events);
      }
      const [status] = await exited;
      assert.equal(status, 0, `${stdout}\n${stderr}`);
      const [first, second] = runs.map((events) => events.filter((event) => event.event === 'frame').map((event) => event.data.targetPerSec));
      assert.ok(first!.length >= 1 && first!.every((rate) => rate === 20), `the first run's frames: ${first}`);
      assert.ok(second!.length >= 1 && second!.every((rate) => rate === 40), `the second run's frames: ${second}`);
      assert.ok(
        runs[0]!.some((event) => event.event === 'end'),
        'the first run ends on the page with its summary',
      );
      assert.match(stdout, /stopped from the dashboard: 1 of 2 runs done; run the same command again to resume/);
      const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as SweepManifest;
      assert.deepEqual(
        manifest.runs.map((run) => run.done),
        [true, false],
      );
    } finally {
      child.kill();
    }
  });

  test('salvo sweep report on a directory that is no study fails in one line', () => {
    assertUsageError(['sweep', 'report', tmpdir()], /has no manifest\.json: not a study directory/);
  });
});
