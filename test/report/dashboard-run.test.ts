import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResult } from '../../src/result/types.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { readDashboardStream, sendControl, type StreamEvent } from '../support/dashboard-stream.js';
import { startSalvo } from '../support/salvo-process.js';

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Runs `salvo run` with a dashboard, steers it from its stream with `steer` (called on each event, as
 * a page would act on what it sees), and returns the stream's events and the result written.
 */
async function steeredRun(
  args: string[],
  dir: string,
  steer: (event: StreamEvent, url: string) => Promise<void>,
): Promise<{ events: StreamEvent[]; result: RunResult }> {
  const out = join(dir, `result-${Math.random().toString(36).slice(2)}.json`);
  const run = startSalvo('run', ...args, '--dashboard', '127.0.0.1:0', '--out', out);
  try {
    const [, url] = await run.line(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)\n/m);
    const events = await readDashboardStream(url!, (event) => steer(event, url!));
    assert.equal(await run.exited, 0, run.output().stderr);
    return { events, result: JSON.parse(await readFile(out, 'utf8')) as RunResult };
  } finally {
    await run.kill();
  }
}

describe('a run steered from its dashboard', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = await mkdtemp(join(tmpdir(), 'salvo-dashboard-run-'));
  });
  after(async () => {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('over --workers: the new rate reaches every thread, and a concurrency below one per worker is refused', async () => {
    const answers: number[] = [];
    const uncorrectedP99s: unknown[] = [];
    const { events, result } = await steeredRun(
      ['--workers', '2', '-r', '200', '-d', '10s', '-c', '8', `${target.url}/`],
      dir,
      async ({ event, data }, url) => {
        if (event === 'frame') uncorrectedP99s.push((data.uncorrectedMs as { p99: number } | null)?.p99);
        if (event !== 'frame' || data.elapsedSeconds !== 2) return;
        answers.push((await sendControl(url, { what: 'concurrency', value: 1 })).status);
        answers.push((await sendControl(url, { what: 'rate', value: 300 })).status);
      },
    );
    assert.deepEqual(answers, [400, 200]);
    assert.equal(result.workers?.count, 2);
    const [change] = result.events!;
    assert.deepEqual({ ...change, tMs: 0 }, { tMs: 0, what: 'rate', from: 200, to: 300 });
    const changeSecond = Math.floor(change!.tMs / 1000);
    const after = result.series.filter((second) => second.second > changeSecond && second.second < 10).map((second) => second.sent);
    assert.ok(after.length >= 6, `whole seconds after the change: ${after.length}`);
    assert.ok(Math.abs(mean(after) / 300 - 1) <= 0.01, `sent per second after the change: ${after}`);
    assert.equal(events.at(-1)!.event, 'end');
    // Every second with answers draws the uncorrected percentiles of both threads; the result file keeps none of them.
    assert.ok(
      uncorrectedP99s.every((p99) => typeof p99 === 'number'),
      `uncorrected p99 of each second: ${uncorrectedP99s}`,
    );
    assert.ok(uncorrectedP99s.some((p99) => (p99 as number) > 0));
    assert.ok(result.series.every((second) => second.uncorrectedHistogram === undefined));
  });

  test('virtual users: every second carries the users running by type, which add up to the users asked for', async () => {
    const planPath = join(dir, 'users.yaml');
    const userType = (name: string, weight: number) => ({ name, weight, minWaitMs: 20, maxWaitMs: 20, tasks: [{ name: 'home', request: { url: '/' } }] });
    // JSON is YAML: the plan as the user would write it.
    await writeFile(
      planPath,
      JSON.stringify({
        target: { url: `${target.url}/` },
        executor: { type: 'constant-vus', vus: 4, durationMs: 3000 },
        userTypes: [userType('Browser', 3), userType('Api', 1)],
      }),
    );
    const users: unknown[] = [];
    const { events } = await steeredRun([planPath], dir, async ({ event, data }) => {
      if (event === 'frame') users.push(data.users);
    });
    assert.ok(users.length >= 3, `seconds: ${users.length}`);
    assert.deepEqual(users[1], { Browser: 3, Api: 1 }, `users by type in each second: ${JSON.stringify(users)}`);
    assert.equal(events.at(-1)!.event, 'end');
  });

  test('a held throughput: its controller trace on the page, its setpoint changed, no rate to set', async () => {
    const answers: { status: number; body: { error?: string } }[] = [];
    const dials: unknown[] = [];
    const targetsAfterChange: unknown[] = [];
    const { result } = await steeredRun(['--hold', '100', '-d', '6s', `${target.url}/`], dir, async ({ event, data }, url) => {
      if (event === 'hello') assert.deepEqual(data.controls, { setpoint: 100 });
      if (event !== 'frame') return;
      dials.push(data.dial);
      if (answers.length === 2) targetsAfterChange.push(data.targetPerSec);
      if (data.elapsedSeconds !== 2) return;
      answers.push(await sendControl(url, { what: 'rate', value: 300 }));
      answers.push(await sendControl(url, { what: 'setpoint', value: 150 }));
    });
    assert.deepEqual(answers[0], { status: 400, body: { error: 'this run takes no rate: it takes setpoint, stop' } });
    assert.equal(answers[1]!.status, 200);
    assert.ok(targetsAfterChange.length > 0 && targetsAfterChange.every((target) => target === 150), `the target line after the change: ${targetsAfterChange}`);
    assert.ok(
      dials.every((dial) => typeof (dial as { concurrency: number }).concurrency === 'number'),
      'every second carries the dial',
    );
    const [change] = result.events!;
    assert.deepEqual({ ...change, tMs: 0 }, { tMs: 0, what: 'setpoint', from: 100, to: 150 });
    const later = result.control!.trace.filter((tick) => tick.tMs > change!.tMs + 500);
    assert.ok(later.length > 0 && later.every((tick) => tick.setpointPerSec === 150), 'the controller holds the new setpoint from then on');
  });
});
