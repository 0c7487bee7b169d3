import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SecondSample } from '../../src/metrics/recorder.js';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import type { RunResult } from '../../src/result/types.js';
import { run } from '../../src/runner/index.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { closedPort, withRawServer } from '../support/servers.js';

// Each limit created for real on loopback. Costs and service times are wall-clock spins and delays,
// so each situation holds on a fast machine, a slow one and a busy one alike.
const rate = (url: string, ratePerSec: number, durationMs: number, extra: Partial<PlanInput> = {}) =>
  validatePlan({ target: { url }, executor: { type: 'constant-arrival-rate', ratePerSec, durationMs }, ...extra });

const limitOf = (result: RunResult): string | undefined => result.summary.bottleneck?.limit;
const describeRun = (result: RunResult): string =>
  JSON.stringify({
    bottleneck: result.summary.bottleneck,
    generator: result.summary.generator,
    latency: result.summary.latencyMs.uncorrected,
    series: result.series.map(({ uncorrectedMeanMs, behind }) => ({ uncorrectedMeanMs, behind })),
  });

/** Keeps this thread busy for `ms` of wall time: a feature that costs that much per request. */
function spin(ms: number): void {
  const endMs = performance.now() + ms;
  while (performance.now() < endMs);
}

describe('the limit a run names, each situation created for real', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess();
  });
  after(async () => {
    await target.stop();
  });

  test('generator: each answer costs the generator 2 ms and 1,000 a second are asked, twice what one thread can give on any machine', async () => {
    const seconds: SecondSample[] = [];
    const burn = (): void => spin(2);
    // A connection for every request, so that none waits for one however slow the target is on a busy machine.
    const result = await run(rate(target.url, 1000, 1000, { connections: 1000 }), {
      onExchange: { onResponse: burn, onFailure: burn },
      onSecond: (sample) => seconds.push(sample),
    });
    assert.equal(limitOf(result), 'generator', describeRun(result));
    assert.match(result.summary.bottleneck!.remedy, /--workers/);
    assert.doesNotMatch(result.summary.bottleneck!.remedy, /raise --connections/);
    // When a second said so while it ran, `--jit auto` (the default) had switched TurboFan on by the end of that second.
    const firstBehind = seconds.findIndex((second) => second.behind?.limit === 'generator');
    if (firstBehind >= 0) {
      const turbofanFromMs = result.summary.generator.turbofanFromMs;
      assert.ok(turbofanFromMs !== undefined && turbofanFromMs < (firstBehind + 1) * 1000, describeRun(result));
    }
  });

  test("connections: one connection to a target that takes 20 ms, at 200 req/s (four connections' worth)", async () => {
    const result = await run(rate(`${target.url}/delay/20`, 200, 1000, { connections: 1 }));
    assert.equal(limitOf(result), 'connections', describeRun(result));
    assert.match(result.summary.bottleneck!.remedy, /raise --connections: at [\d.]+ms a request, 200 req\/s keep about \d+ connections busy/);
    // `--jit auto` switches TurboFan on once a run stays behind, whatever holds it back (see docs/jit.md): the limit named is still the connections.
    assert.ok(result.summary.generator.turbofanFromMs !== undefined, 'behind for lasting: TurboFan switched on');
  });

  test('target: a target that spins 10 ms per request, asked for 300 req/s with a connection for each', async () => {
    const result = await run(rate(`${target.url}/spin/10`, 300, 1000, { connections: 300 }));
    assert.equal(limitOf(result), 'target', describeRun(result));
    assert.match(result.summary.bottleneck!.evidence, /the target's latency rose from/);
  });

  test('network: a port nobody listens on, and a server that resets every connection', async () => {
    const refused = await run(rate(`http://127.0.0.1:${await closedPort()}/`, 50, 400));
    assert.equal(limitOf(refused), 'network', describeRun(refused));
    assert.match(refused.summary.bottleneck!.evidence, /20 of 20 requests failed on their connection \(refused 20\)/);
    const reset = await withRawServer(
      (socket) => socket.once('data', () => socket.resetAndDestroy()),
      (url) => run(rate(url, 50, 400)),
    );
    assert.equal(limitOf(reset), 'network', describeRun(reset));
  });

  test('nothing: a rate the target and the generator keep easily names no limit', async () => {
    const result = await run(rate(target.url, 50, 600));
    assert.equal(result.summary.bottleneck, undefined, describeRun(result));
  });
});
