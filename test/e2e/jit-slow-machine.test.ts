import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/result/types.js';
import { WORKER_CALL, WORKER_PROTO } from '../../src/targets/grpc-worker.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';

// A slower machine, made on this one: the generator is pinned to one CPU and a busy loop pinned
// beside it takes about half of that CPU, while the target has a CPU of its own. What `--jit steady`
// and `--jit peak` can send there is measured first, and the rate asked lies between the two, so
// the default (`auto`, which starts without TurboFan) has to notice it falls behind and switch.

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const LOOP = 'const end = Date.now() + Number(process.argv[1]) * 1000; while (Date.now() < end) {}';

/** The CPUs this process may run on (`taskset -pc`), or undefined when taskset is not there. */
function allowedCpus(): number[] | undefined {
  const probe = spawnSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const list = /list:\s*(\S+)/.exec(probe.stdout)?.[1] ?? '';
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    return to === undefined ? [from!] : Array.from({ length: to - from! + 1 }, (_, i) => from! + i);
  });
}

const cpus = allowedCpus();
const skip = cpus === undefined ? 'taskset (util-linux) is not installed' : cpus.length < 2 ? 'needs two CPUs to keep target and generator apart' : false;

describe('--jit auto on a slower machine (the generator shares its CPU with a busy loop)', { skip }, () => {
  let dir: string;
  let targetCpu: string;
  let generatorCpu: string;
  let hog: ChildProcess;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'salvo-jit-slow-'));
    targetCpu = String(cpus![0]);
    generatorCpu = String(cpus![1]);
    hog = spawn('taskset', ['-c', generatorCpu, process.execPath, '-e', LOOP, '600'], { stdio: 'ignore' });
  });
  after(() => {
    hog.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  /** One `salvo run` pinned to the generator's CPU; its result. */
  const pinnedRun = (args: string[]): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const out = join(dir, `run-${++runs}.json`);
      execFile(
        'taskset',
        ['-c', generatorCpu, process.execPath, MAIN, 'run', ...args, '--quiet', '--out', out],
        { timeout: 300_000 },
        (error, _stdout, stderr) => {
          // Exit 1 (a threshold) cannot happen here; anything but a result is a failure of the test's setup.
          if (error && error.code !== 0) reject(new Error(`salvo run ${args.join(' ')} failed: ${stderr}`));
          else resolve(JSON.parse(readFileSync(out, 'utf8')) as RunResult);
        },
      );
    });

  async function pinnedTarget(kind: string, args: string[] = []): Promise<TargetProcess> {
    const target = await startTargetProcess(kind, args);
    spawnSync('taskset', ['-pc', targetCpu, String(target.child.pid)]);
    return target;
  }

  const within = (achieved: number, asked: number, share: number): boolean => Math.abs(achieved - asked) <= asked * share;
  const show = (result: RunResult): string =>
    JSON.stringify({ rate: result.summary.rate, generator: result.summary.generator, bottleneck: result.summary.bottleneck, dropped: result.summary.requests });

  test('HTTP/1.1: at a rate between what steady and peak can send, the default achieves it within ±0.5% whenever peak does', async (t) => {
    const target = await pinnedTarget('http');
    try {
      const steadyMax = (await pinnedRun([target.url, '-d', '3s', '--jit', 'steady'])).summary.rate.achieved;
      const peakMax = (await pinnedRun([target.url, '-d', '3s', '--jit', 'peak'])).summary.rate.achieved;
      // Halfway between the two, and within what peak sent flat out with room to spare for its schedule.
      const asked = Math.round(Math.min((steadyMax + peakMax) / 2, 0.7 * peakMax, 1.5 * steadyMax));
      if (asked <= steadyMax * 1.1) {
        t.skip(`steady (${Math.round(steadyMax)} req/s) and peak (${Math.round(peakMax)} req/s) are too close here for a rate between them`);
        return;
      }
      const args = [target.url, '--rate', String(asked), '-d', '6s', '-c', '100'];
      const peak = await pinnedRun([...args, '--jit', 'peak']);
      if (!within(peak.summary.rate.achieved, asked, 0.005)) {
        t.skip(`peak itself did not hold ${asked} req/s here (${peak.summary.rate.achieved}): nothing to compare the default with; ${show(peak)}`);
        return;
      }
      const auto = await pinnedRun(args);
      const context = `asked ${asked} req/s; flat out: steady ${Math.round(steadyMax)}, peak ${Math.round(peakMax)}; default: ${show(auto)}`;
      assert.ok(within(auto.summary.rate.achieved, asked, 0.005), context);
      assert.ok(auto.summary.generator.turbofanFromMs !== undefined, `the default never switched TurboFan on: ${context}`);
    } finally {
      await target.stop();
    }
  });

  test('gRPC: the bench rate check, 2,000 calls/s, within ±0.5% with the default', async (t) => {
    const target = await pinnedTarget('grpc-worker');
    try {
      const args = [target.url, '--proto', WORKER_PROTO, '--call', WORKER_CALL, '--data', '{"ms": 0}', '--rate', '2000', '-d', '6s', '-c', '20'];
      const peak = await pinnedRun([...args, '--jit', 'peak']);
      if (!within(peak.summary.rate.achieved, 2000, 0.005)) {
        t.skip(`peak itself did not hold 2,000 calls/s here (${peak.summary.rate.achieved}); ${show(peak)}`);
        return;
      }
      const auto = await pinnedRun(args);
      assert.ok(within(auto.summary.rate.achieved, 2000, 0.005), `default: ${show(auto)}; peak: ${show(peak)}`);
    } finally {
      await target.stop();
    }
  });
});
