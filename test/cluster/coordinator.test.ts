import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { joinCoordinator } from '../../src/cluster/coordinator-client.js';
import { RESULT_LINE_PREFIX, startCoordinator } from '../../src/cluster/coordinator.js';
import { createHistogram, decodeHistogram, percentilesMs } from '../../src/metrics/histogram.js';
import { validatePlan } from '../../src/plan/index.js';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, processStartMs, salvoAsync, type CliOutcome } from '../support/cli.js';
import { readDashboardStream, sendControl } from '../support/dashboard-stream.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** `salvo coordinate …` in its own process: its address once it listens, and its outcome once it ends. */
async function coordinatorProcess(args: string[]): Promise<{ address: string; done: Promise<CliOutcome>; child: ChildProcess; output: { stdout: string } }> {
  const child = spawn(process.execPath, [MAIN, 'coordinate', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const done = once(child, 'close').then(([status]) => ({ status: status as number | null, ...output }));
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output.stdout += chunk;
      const match = /listening on http:\/\/(\S+),/.exec(output.stdout);
      if (match) resolve(match[1]!);
    });
    void done.then(() => reject(new Error(`the coordinator ended before it listened: ${output.stderr}`)));
  });
  return { address, done, child, output };
}

describe('salvo coordinate', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-coordinate-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts 3 shard processes together and merges them: counts add up, percentiles of all samples, small skew', async () => {
    const merged = join(dir, 'merged.json');
    const coordinator = await coordinatorProcess(['--shards', '3', '--out', merged, '--print-result']);
    const shardPaths = [1, 2, 3].map((index) => join(dir, `shard-${index}.json`));
    const shards = await Promise.all(
      shardPaths.map((out, index) =>
        salvoAsync(
          'run',
          target.url,
          '--rate',
          '300',
          '-d',
          '1s',
          '-c',
          '6',
          '--shard',
          `${index + 1}/3`,
          '--coordinator',
          coordinator.address,
          '--quiet',
          '--out',
          out,
        ),
      ),
    );
    shards.forEach(({ status, stderr }, index) => assert.equal(status, 0, `shard ${index + 1}: ${stderr}`));
    const { status, stdout, stderr } = await coordinator.done;
    assert.equal(status, 0, stderr);
    assert.match(stdout, /all 3 shards ready: they start at \S+Z/);
    assert.match(stdout, /start skew {2}spread \S+, latest \S+ after the start instant/);

    const results = await Promise.all(shardPaths.map((path) => readResult(path)));
    const result = await readResult(merged);
    const sum = (field: 'sent' | 'completed' | 'dropped') => results.reduce((total, shard) => total + shard.summary.requests[field], 0);
    assert.equal(result.summary.requests.sent, sum('sent'));
    assert.equal(result.summary.requests.completed, sum('completed'));
    assert.equal(sum('sent') + sum('dropped'), 300);
    assert.equal(result.summary.rate.target, 300);
    const all = createHistogram();
    for (const shard of results) all.add(decodeHistogram(shard.histograms.corrected));
    assert.deepEqual(result.summary.latencyMs.corrected, percentilesMs(all));
    assert.equal(result.shards?.count, 3);
    assert.ok(result.shards!.startSpreadMs < 500, `start spread ${result.shards!.startSpreadMs} ms`);
    assert.ok(result.shards!.maxSkewMs !== undefined && Math.abs(result.shards!.maxSkewMs) < 500, `start skew ${result.shards!.maxSkewMs} ms`);
    assert.deepEqual(
      result.sources?.map((source) => source.shard?.index),
      [1, 2, 3],
    );
    // What salvo k8s run reads from the coordinator pod's log.
    const printed = stdout.trimEnd().split('\n').at(-1)!;
    assert.ok(printed.startsWith(RESULT_LINE_PREFIX));
    assert.deepEqual(JSON.parse(printed.slice(RESULT_LINE_PREFIX.length)), result);
  });

  test('names the shards that never arrived, in one line, to itself and to the shard that waited', async () => {
    // Long enough for shard 1/3 to start and join on a busy machine: ten start-ups' worth, whole seconds.
    const timeoutSeconds = Math.max(1, Math.ceil((10 * processStartMs()) / 1000));
    const coordinator = await coordinatorProcess(['--shards', '3', '--timeout', `${timeoutSeconds}s`]);
    const shard = await salvoAsync('run', target.url, '--rate', '10', '-d', '1s', '-c', '3', '--shard', '1/3', '--coordinator', coordinator.address, '--quiet');
    const { status, stderr } = await coordinator.done;
    assert.equal(status, 2);
    assert.equal(stderr, `salvo: error: shards 2/3, 3/3 never arrived within ${timeoutSeconds}s\n`);
    assert.equal(shard.status, 2);
    assert.equal(shard.stderr, `salvo: error: the coordinator gave up: shards 2/3, 3/3 never arrived within ${timeoutSeconds}s\n`);
  });

  test('Ctrl-C keeps the results that came beside --out and exits 130', async () => {
    const out = join(dir, 'interrupted.json');
    const coordinator = await coordinatorProcess(['--shards', '2', '--out', out]);
    const run = (index: number) =>
      spawn(
        process.execPath,
        [MAIN, 'run', target.url, '--rate', '50', '-d', '1s', '-c', '2', '--shard', `${index}/2`, '--coordinator', coordinator.address, '--quiet'],
        { stdio: 'ignore' },
      );
    const [first, second] = [run(1), run(2)];
    await new Promise<void>((resolve) => coordinator.child.stdout!.on('data', () => /all 2 shards ready/.test(coordinator.output.stdout) && resolve()));
    second.kill('SIGKILL'); // it will never send its result
    await once(first, 'exit');
    await new Promise<void>((resolve) => {
      const check = (): void => (/shard 1\/2 sent its result/.test(coordinator.output.stdout) ? resolve() : void setTimeout(check, 50));
      check();
    });
    coordinator.child.kill('SIGINT');
    const { status, stderr } = await coordinator.done;
    assert.equal(stderr, 'salvo: error: interrupted by SIGINT\n');
    assert.equal(status, 130);
    assert.ok(existsSync(join(dir, 'interrupted.shard-1-of-2.json')));
    assert.equal((await readResult(join(dir, 'interrupted.shard-1-of-2.json'))).plan.shard?.index, 1);
  });

  test('refuses a shard of another count and a shard of another plan', async () => {
    const coordinator = await startCoordinator({ shards: 2, host: '127.0.0.1', port: 0, readyTimeoutMs: 10_000 });
    const address = { host: '127.0.0.1', port: Number(new URL(coordinator.url).port) };
    const plan = (rate: number, index: number, count: number) =>
      validatePlan({
        target: { url: 'http://127.0.0.1:1/' },
        executor: { type: 'constant-arrival-rate', ratePerSec: rate, durationMs: 1000 },
        connections: 4,
        shard: { index, count },
      });
    try {
      await assert.rejects(joinCoordinator(address, plan(10, 1, 3)), /^CoordinatorClientError: this coordinator runs 2 shards, not shard 1\/3$/);
      const first = joinCoordinator(address, plan(10, 1, 2));
      first.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      await assert.rejects(joinCoordinator(address, plan(20, 2, 2)), /shard 2\/2 runs a different plan than the shards already here/);
      await assert.rejects(joinCoordinator(address, plan(10, 1, 2)), /shard 1\/2 has already joined/);
      const second = await joinCoordinator(address, plan(10, 2, 2));
      assert.deepEqual(await first, second);
      assert.deepEqual(second, { startAtMs: await coordinator.started, live: false });
    } finally {
      await coordinator.close();
    }
  });

  const refused: [string[], RegExp][] = [
    [['--rate', '10', '--coordinator', '127.0.0.1:7070'], /--coordinator needs --shard/],
    [
      ['--rate', '10', '--shard', '1/2', '--coordinator', '127.0.0.1:7070', '--start-at', '2099-01-01T00:00:00Z'],
      /--coordinator sets the start instant: leave out --start-at/,
    ],
    [['--coordinator', 'nowhere'], /--coordinator.*not host:port/],
  ];
  for (const [args, pattern] of refused) {
    test(`run refuses ${args.join(' ')}`, () => assertUsageError(['run', 'http://127.0.0.1:9/', ...args], pattern));
  }

  test('--dashboard: the shards shown as one run, a rate change and a stop made there reach every shard, and the merged result records them', async () => {
    const [START_RATE, NEW_RATE] = [200, 400];
    const merged = join(dir, 'steered.json');
    const coordinator = await coordinatorProcess(['--shards', '2', '--dashboard', '127.0.0.1:0', '--out', merged]);
    const shardRuns = [1, 2].map((index) =>
      salvoAsync('run', target.url, '--rate', String(START_RATE), '-d', '60s', '-c', '4', '--shard', `${index}/2`, '--coordinator', coordinator.address),
    );
    const page = await new Promise<string>((resolve) => {
      const check = (): void => {
        const match = /dashboard: (http:\/\/\S+)/.exec(coordinator.output.stdout);
        if (match) resolve(match[1]!);
        else setTimeout(check, 50);
      };
      check();
    });
    const frames: { targetPerSec: number | null; sent: number }[] = [];
    let hello: { controls?: Record<string, number | null> } = {};
    const stream = readDashboardStream(page, ({ event, data }) => {
      if (event === 'frame') frames.push(data as (typeof frames)[number]);
      if (event === 'hello') hello = data;
    });
    const framesReach = (count: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => (frames.length >= count ? resolve() : void setTimeout(check, 50));
        check();
      });
    try {
      await framesReach(2);
      // The whole plan's controls: its rate, and the connections of both shards.
      assert.deepEqual(hello.controls, { rate: START_RATE, concurrency: 4 });
      assert.equal(frames[1]!.targetPerSec, START_RATE);
      assert.ok(Math.abs(frames[1]!.sent / START_RATE - 1) <= 0.01, `one joined second sent ${frames[1]!.sent}`);
      assert.match((await sendControl(page, { what: 'concurrency', value: 1 })).body.error!, /one per shard/);
      const changed = await sendControl(page, { what: 'rate', value: NEW_RATE });
      assert.equal(changed.status, 200, changed.body.error);
      const changedAt = frames.length;
      await framesReach(changedAt + 5);
      assert.equal((await sendControl(page, { what: 'stop' })).status, 200);
      for (const [index, outcome] of (await Promise.all(shardRuns)).entries()) {
        assert.equal(outcome.status, 0, `shard ${index + 1}: ${outcome.stderr}`);
        assert.match(outcome.stdout, new RegExp(`the coordinator set rate to ${NEW_RATE}`));
      }
      const { status, stderr } = await coordinator.done;
      assert.equal(status, 0, stderr);
      assert.equal(frames.at(-1)!.targetPerSec, NEW_RATE);

      const result = await readResult(merged);
      assert.equal(result.interruptReason, 'dashboard');
      const [change, stop] = result.events!;
      assert.deepEqual({ ...change, tMs: 0 }, { tMs: 0, what: 'rate', from: START_RATE, to: NEW_RATE });
      assert.deepEqual({ ...stop, tMs: 0 }, { tMs: 0, what: 'stop', from: null, to: null });
      // Whole seconds only: the one the change fell in is part old rate, part new, and so is the one the stop cut.
      const sentIn = (from: number, to: number): number[] => result.series.filter((s) => s.second >= from && s.second < to).map((s) => s.sent);
      const before = sentIn(0, Math.floor(change!.tMs / 1000));
      const after = sentIn(Math.floor(change!.tMs / 1000) + 1, Math.floor(stop!.tMs / 1000));
      assert.ok(before.length >= 1 && after.length >= 3, `seconds before ${before.length}, after ${after.length}`);
      for (const sent of before) assert.ok(Math.abs(sent / START_RATE - 1) <= 0.01, `sent per second before the change: ${before}`);
      for (const sent of after) assert.ok(Math.abs(sent / NEW_RATE - 1) <= 0.01, `sent per second from the change on: ${after}`);
      await stream;
    } finally {
      coordinator.child.kill();
      await Promise.allSettled([...shardRuns, stream]);
    }
  });

  test('--dashboard beyond loopback needs a token, as on a run', () => {
    assertUsageError(
      ['coordinate', '--shards', '2', '--dashboard', '0.0.0.0:5665'],
      /^salvo: error: --dashboard 0\.0\.0\.0 can be reached from other machines: give --dashboard-token too/,
    );
    assertUsageError(['coordinate', '--shards', '2', '--dashboard-token', 'abcdefgh12'], /^salvo: error: --dashboard-token applies only with --dashboard$/);
  });

  test('refuses a port it cannot listen on', async () => {
    const coordinator = await startCoordinator({ shards: 1, host: '127.0.0.1', port: 0, readyTimeoutMs: 10_000 });
    try {
      assertUsageError(
        ['coordinate', '--shards', '2', '--port', new URL(coordinator.url).port],
        /^salvo: error: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE$/,
      );
    } finally {
      await coordinator.close();
    }
  });
});
