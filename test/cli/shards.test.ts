import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createHistogram, decodeHistogram, percentilesMs } from '../../src/metrics/histogram.js';
import { readResult } from '../../src/result/io.js';
import type { RunResult } from '../../src/result/types.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, processStartMs, salvo, salvoAsync } from '../support/cli.js';

describe('shards as separate processes', () => {
  let target: TargetProcess;
  let dir: string;
  const path = (name: string) => join(dir, name);

  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-shards-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `count` shards of one load side by side, started together with --start-at; returns their result paths. */
  async function runShards(prefix: string, count: number, load: string[]): Promise<string[]> {
    // Every shard must be up before the instant, however busy the machine: ten start-ups' worth ahead.
    const startAt = new Date(Date.now() + Math.max(3000, 10 * processStartMs())).toISOString();
    const paths = Array.from({ length: count }, (_, index) => path(`${prefix}-${index + 1}.json`));
    const outcomes = await Promise.all(
      paths.map((out, index) => salvoAsync('run', target.url, ...load, '--shard', `${index + 1}/${count}`, '--start-at', startAt, '--out', out, '--quiet')),
    );
    outcomes.forEach(({ status, stderr }, index) => assert.equal(status, 0, `shard ${index + 1}: ${stderr}`));
    return paths;
  }

  test('a URL with --scenario keeps --shard: the shard runs its share of the users', async () => {
    const scenario = path('one-get.ts');
    writeFileSync(
      scenario,
      "import { defineScenario } from 'salvo';\nexport default defineScenario({ userTypes: { reader: { minWaitMs: 50, maxWaitMs: 50, tasks: { get: (ctx) => ctx.http.get('/') } } } });\n",
    );
    const out = path('users-shard.json');
    const { status, stderr } = salvo(
      'run',
      target.url,
      '--scenario',
      scenario,
      '--vus',
      '10',
      '-d',
      '2s',
      '--shard',
      '1/2',
      '--seed',
      '3',
      '--out',
      out,
      '--quiet',
    );
    assert.equal(status, 0, stderr);
    const result = await readResult(out);
    assert.deepEqual(result.plan.shard, { index: 1, count: 2 });
    assert.equal(Math.max(...result.series.map((second) => second.users?.reader ?? 0)), 5, JSON.stringify(result.series.map((second) => second.users)));
  });

  test('3 shards merge into the whole plan: its count, and the percentiles of all their samples in one histogram', async () => {
    const paths = await runShards('constant', 3, ['--rate', '300', '--duration', '1s', '-c', '6']);
    const shards: RunResult[] = await Promise.all(paths.map((file) => readResult(file)));
    shards.forEach((shard, index) => {
      assert.deepEqual(shard.plan.shard, { index: index + 1, count: 3 });
      assert.equal(shard.summary.rate.target, 100);
      assert.equal(shard.summary.requests.sent + shard.summary.requests.dropped, 100);
      assert.ok(shard.startAt && Math.abs(shard.startAt.skewMs) < 250, `start skew ${JSON.stringify(shard.startAt)}`);
    });

    const { status, stdout, stderr } = salvo('merge', ...paths, '--out', path('merged.json'));
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^merged 3 results/);
    const merged = await readResult(path('merged.json'));
    assert.equal(merged.plan.shard, undefined);
    assert.equal(merged.shards?.count, 3);
    assert.ok(merged.shards!.startSpreadMs < 250, `start spread ${merged.shards!.startSpreadMs} ms`);
    assert.equal(merged.summary.rate.target, 300);
    assert.equal(merged.summary.requests.sent, 300);
    assert.equal(merged.summary.requests.completed, 300);

    const all = createHistogram();
    for (const shard of shards) all.add(decodeHistogram(shard.histograms.corrected));
    assert.equal(all.totalCount, 300);
    assert.deepEqual(merged.summary.latencyMs.corrected, percentilesMs(all));
  });

  test('seeded Poisson shards send what the whole seeded run sends', async () => {
    const load = ['--rate', '240', '--duration', '1s', '--arrival', 'poisson', '--seed', '7', '-c', '6'];
    const [paths, whole] = await Promise.all([
      runShards('poisson', 3, load),
      salvoAsync('run', target.url, ...load, '--out', path('poisson-whole.json'), '--quiet'),
    ]);
    assert.equal(whole.status, 0, whole.stderr);
    const { status, stderr } = salvo('merge', ...paths, '--out', path('poisson-merged.json'));
    assert.equal(status, 0, stderr);
    const merged = await readResult(path('poisson-merged.json'));
    const single = await readResult(path('poisson-whole.json'));
    assert.equal(merged.summary.requests.sent + merged.summary.requests.dropped, single.summary.requests.sent + single.summary.requests.dropped);
    assert.deepEqual(merged.plan, single.plan);
  });

  test('merge refuses an incomplete set in one line', async () => {
    const paths = await runShards('partial', 3, ['--rate', '30', '--duration', '300ms']);
    assertUsageError(['merge', paths[0]!, paths[1]!], /^salvo: error: cannot merge: shard 3\/3 is missing$/);
    // The same file twice is one run twice, refused before the shards are counted (two runs of one shard: test/cluster/merge-shards).
    assertUsageError(['merge', paths[0]!, paths[1]!, paths[1]!], /^salvo: error: cannot merge: .*partial-2\.json and .*partial-2\.json hold the same run/);
  });

  const refused: [string[], RegExp][] = [
    [['--shard', '0/8'], /--shard.*must be from 1 to 8/],
    [['--shard', '9/8'], /--shard.*must be from 1 to 8/],
    [['--shard', '2/0'], /--shard.*count must be at least 1/],
    [['--shard', 'x'], /--shard.*not a shard/],
    [['--shard', '1/3', '--rate', '10', '--arrival', 'poisson'], /needs --seed/],
    [['--shard', '1/3', '-c', '2'], /3 shards need at least 3 connections/],
    [['--start-at', '2000-01-01T00:00:00Z'], /--start-at.*in the past/],
    [['--start-at', 'soon'], /--start-at.*not an ISO time/],
  ];
  for (const [args, pattern] of refused) {
    test(`run refuses ${args.join(' ')}`, () => assertUsageError(['run', 'http://127.0.0.1:9/', ...args], pattern));
  }
});
