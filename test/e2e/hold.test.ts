import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ControlTraceEntry } from '../../src/control/index.js';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { run, startRun } from '../../src/runner/index.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError } from '../support/cli.js';

// Real loops on a machine that may be busy: the properties are asserted with wide margins; the
// tight figures (±5%, CV, settling times) are measured by bench/control.mjs.

const hold = (url: string, setpointPerSec: number, durationMs: number, extra: Record<string, unknown> = {}, target: Partial<PlanInput['target']> = {}) =>
  validatePlan({ target: { url, ...target }, executor: { type: 'constant-throughput', setpointPerSec, durationMs, ...extra } });

/** Mean measured throughput over the ticks ending in (fromMs, toMs]. */
function meanPerSec(trace: ControlTraceEntry[], fromMs: number, toMs = Infinity): number {
  const ticks = trace.filter((entry) => entry.tMs > fromMs && entry.tMs <= toMs);
  return ticks.reduce((sum, entry) => sum + entry.measuredPerSec, 0) / ticks.length;
}

describe('run --hold against built-in targets of known capacity', () => {
  const targets: TargetProcess[] = [];
  const serve = async (kind: string, args: string[] = []) => {
    const target = await startTargetProcess(kind, args);
    targets.push(target);
    return target;
  };
  after(async () => {
    await Promise.all(targets.map((target) => target.stop()));
  });

  test('HTTP/1.1: 300 req/s on 8 slots × 10 ms is held with about 3 in flight, then a new setpoint from RunHandle.setRate', async () => {
    const target = await serve('http', ['--slots', '8', '--service-time', '10ms']);
    const handle = await startRun(hold(target.url, 300, 8000));
    setTimeout(() => handle.setRate(150), 5000);
    const result = await handle.result;
    const control = result.control!;
    assert.equal(control.controller, 'pid');
    assert.equal(control.setpointPerSec, 300);
    assert.ok(control.trace.length >= 25, `${control.trace.length} ticks`);
    const held = meanPerSec(control.trace, 2500, 5000);
    assert.ok(Math.abs(held - 300) < 60, `held ${held} req/s`);
    const dial = control.trace.filter((entry) => entry.tMs > 2500 && entry.tMs <= 5000).map((entry) => entry.concurrency);
    assert.ok(Math.min(...dial) >= 2 && Math.max(...dial) <= 8, `dial ${dial}`);
    assert.equal(control.trace.at(-1)!.setpointPerSec, 150);
    assert.ok(Math.abs(meanPerSec(control.trace, 6500) - 150) < 40, `after setRate ${meanPerSec(control.trace, 6500)}`);
    assert.equal(control.unreachable, false);
    assert.ok(result.summary.requests.completed > 1500);
  });

  test('raw TCP: --hold 5k against a fast echo, below one request in flight on average', async (t) => {
    const target = await serve('tcp-echo');
    const result = await run(hold(target.url, 5000, 8000, {}, { payload: 'PING\\n', expectDelimiter: '\\n' }));
    const control = result.control!;
    // The echo answers within tens of µs, so the dial sits at a fraction of a request, and a busy machine
    // stalls the generator for longer than a request takes: the margin is for that, not for the loop. A
    // machine too busy to give the generator its turns in time is named in the result, and then the
    // throughput is the machine's, not the loop's. Judged over 5 s: a VM's worst ticks swing 2–4× either way.
    const held = meanPerSec(control.trace, 3000);
    const dial = control.trace.at(-1)!.concurrency;
    const { generator } = result.summary;
    if (generator.saturated && !(Math.abs(held - 5000) < 0.3 * 5000 && dial < 1)) {
      t.skip(`the machine left the generator's event loop late by ${generator.eventLoopDelayMs.p99} ms (p99): held ${held} req/s at ${dial} in flight`);
      return;
    }
    const ticks = control.trace.map((entry) => `${Math.round(entry.measuredPerSec)}@${entry.concurrency.toFixed(2)}`).join(' ');
    assert.ok(Math.abs(held - 5000) < 0.3 * 5000, `held ${held} req/s, event loop p99 ${generator.eventLoopDelayMs.p99} ms; ticks ${ticks}`);
    assert.ok(dial < 1, `dial ${dial}`);
  });

  test('h2c: held the same way over HTTP/2 streams', async () => {
    const target = await serve('http', ['--h2c', '--slots', '8', '--service-time', '10ms']);
    const result = await run(hold(target.url, 200, 5000));
    assert.ok(Math.abs(meanPerSec(result.control!.trace, 2500) - 200) < 50, `held ${meanPerSec(result.control!.trace, 2500)}`);
  });

  test('a setpoint past the capacity clamps at maxConcurrency and is reported unreachable', async () => {
    const target = await serve('http', ['--slots', '1', '--service-time', '10ms']);
    const result = await run(hold(target.url, 300, 5000, { maxConcurrency: 6 }));
    const control = result.control!;
    assert.equal(control.unreachable, true);
    assert.ok(
      control.trace.slice(-4).every((entry) => entry.concurrency === 6 && entry.unreachable),
      'clamped and unreachable at the end',
    );
    assert.ok(meanPerSec(control.trace, 2500) < 110, 'no more than the capacity of 100 req/s');
    assert.equal(control.settledAtMs, null);
  });

  test('bad --hold flags and plans: one line, exit 2', () => {
    const url = 'http://127.0.0.1:9/';
    assertUsageError(['run', url, '--hold', '0'], /--hold.*"0" must be greater than 0/);
    assertUsageError(['run', url, '--hold', '100', '--rate', '50'], /--hold .*leave out --rate/);
    assertUsageError(['run', url, '--hold', '100', '--pipelining', '2'], /leave out --pipelining/);
    assertUsageError(['run', url, '--controller', 'pid'], /--controller applies only with --hold/);
    assertUsageError(['run', url, '--max-concurrency', '5'], /--max-concurrency applies only with --hold/);
    assertUsageError(['run', url, '--hold', '100', '--controller', 'fuzzy'], /--controller.*fuzzy/);
    assertUsageError(['run', url, '--hold', '100', '--min-concurrency', '-1'], /--min-concurrency.*not a number above 0/);
    assertUsageError(['run', url, '--hold', '100', '--min-concurrency', '9', '--max-concurrency', '3'], /minConcurrency: must not exceed maxConcurrency \(3\)/);
    assertUsageError(['run', url, '--hold', '100', '--tick', '5ms'], /tickMs: must be at least 10 ms/);
    assertUsageError(['run', url, '--hold', '100', '--workers', '2'], /--hold is one control loop: leave out --workers/);
    assertUsageError(['run', url, '--hold', '100', '--shard', '1/2'], /cannot be sharded/);
  });

  test('a plan with stages alone takes their total as its duration', () => {
    const plan = validatePlan({
      target: { url: 'http://127.0.0.1:9/' },
      executor: {
        type: 'constant-throughput',
        setpointPerSec: 10,
        stages: [
          { durationMs: '2s', setpointPerSec: 10 },
          { durationMs: 3000, setpointPerSec: 20 },
        ],
      },
    });
    assert.equal(plan.executor.durationMs, 5000);
    assert.throws(
      () => validatePlan({ target: { url: 'http://127.0.0.1:9/' }, executor: { type: 'constant-throughput', setpointPerSec: 10 } }),
      /executor\.durationMs: is required \(or give stages\)/,
    );
  });
});
