import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { coreWaitNs } from '../../src/metrics/core-wait.js';
import { GeneratorMonitor } from '../../src/metrics/generator-monitor.js';
import type { SecondSample } from '../../src/metrics/recorder.js';
import { diagnoseBottleneck } from '../../src/result/diagnosis.js';
import type { Summary } from '../../src/result/types.js';

const percentiles = (p50: number) => ({ p50, p90: p50, p99: p50, p999: p50, max: p50, mean: p50, min: 1, count: 1000 });

/** A paced run whose generator was saturated, whose latencies rose second by second, and that kept its send schedule. */
function saturatedRun(cpuPercent: number, waitingForCorePercent: number | undefined): Omit<Summary, 'bottleneck' | 'warnings'> {
  return {
    requests: { sent: 1000, completed: 1000, failed: 0, dropped: 0, droppedBy: { queueFull: 0, lateBatch: 0, unsentAtEnd: 0 }, interrupted: 0 },
    rate: { target: 1000, achieved: 1000, sent: 1000 },
    latencyMs: { corrected: percentiles(1000), uncorrected: percentiles(1000) },
    scheduleLagMs: { p50: 0, p99: 0, max: 0 },
    errors: {},
    generator: {
      cpuPercent,
      ...(waitingForCorePercent === undefined ? {} : { waitingForCorePercent }),
      eventLoopDelayMs: { p50: 130, p99: 1056, max: 1056 },
      behindMs: { generator: 0, connections: 0 },
      saturated: true,
    },
  } as unknown as Omit<Summary, 'bottleneck' | 'warnings'>;
}
const risingSeconds = [241, 1025, 1338, 1935].map((uncorrectedMeanMs) => ({ uncorrectedMeanMs }) as SecondSample);

describe('diagnosis of a saturated generator on a machine busy with other processes', () => {
  test('what it ran plus what it waited for a core is what it wanted: near a whole core, it was busy with its own work', () => {
    // Measured under two CPU hogs on two cores: 59.8% CPU, the rest of its time waiting for a core.
    const diagnosis = diagnoseBottleneck(saturatedRun(59.8, 38.5), risingSeconds);
    assert.equal(diagnosis?.limit, 'generator');
    assert.match(diagnosis!.evidence, /38\.5% more waiting for a core/);
    assert.match(diagnosis!.remedy, /--workers/);
  });

  test('one that wanted little of a core was not the limit: the rising latency is the target', () => {
    assert.equal(diagnoseBottleneck(saturatedRun(30, 5), risingSeconds)?.limit, 'target');
    // Without a reading of the wait (not Linux, or a result written before), CPU alone decides, as before.
    assert.equal(diagnoseBottleneck(saturatedRun(59.8, undefined), risingSeconds)?.limit, 'target');
    assert.equal(diagnoseBottleneck(saturatedRun(95, undefined), risingSeconds)?.limit, 'generator');
  });

  test('the wait for a core is read where Linux tells it, and the monitor reports it', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
    const waitNs = coreWaitNs();
    assert.ok(waitNs !== undefined && waitNs >= 0, `wait ${waitNs}`);
    const health = new GeneratorMonitor().stop();
    assert.ok(health.waitingForCorePercent !== undefined && health.waitingForCorePercent >= 0, JSON.stringify(health));
  });
});
