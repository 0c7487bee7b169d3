import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceStation } from '../../src/targets/service-station.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { FakeClock } from '../../src/time/index.js';
import { assertUsageError } from '../support/cli.js';

/** Admits `count` requests at the clock's now and returns the ms after it at which each was served. */
function admitAll(station: ServiceStation, clock: FakeClock, count: number): number[] {
  const startUs = clock.nowUs();
  const servedMs: number[] = [];
  for (let i = 0; i < count; i++) station.admit(() => (servedMs[i] = (clock.nowUs() - startUs) / 1000));
  return servedMs;
}

describe('ServiceStation', () => {
  test('N slots serve in arrival order, each request holding its slot for the service time', () => {
    const clock = new FakeClock();
    const station = new ServiceStation({ slots: 2, serviceTimeMs: 10, distribution: 'fixed' }, clock);
    const served = admitAll(station, clock, 5);
    clock.runUntil(100_000, 1000);
    assert.deepEqual(served, [10, 10, 20, 20, 30]);
    assert.equal(station.capacityPerSec(0), 200);
  });

  test('late timers delay answers but the slots keep their own timeline: the capacity stays slots / service time', () => {
    const clock = new FakeClock();
    const station = new ServiceStation({ slots: 1, serviceTimeMs: 2, distribution: 'fixed' }, clock);
    const served = admitAll(station, clock, 100);
    // Time moves in 7 ms jumps, as a loop whose timers all fire late.
    clock.runUntil(400_000, 7000);
    assert.equal(served.length, 100);
    assert.ok(served.at(-1)! <= 207, `last answer at ${served.at(-1)} ms, 100 × 2 ms of service`);
  });

  test('the service time changes at the given time after opening', () => {
    const clock = new FakeClock();
    const station = new ServiceStation({ slots: 1, serviceTimeMs: 10, distribution: 'fixed', changes: [{ atMs: 50, serviceTimeMs: 30 }] }, clock);
    const served = admitAll(station, clock, 7);
    clock.runUntil(1_000_000, 1000);
    assert.deepEqual(served, [10, 20, 30, 40, 50, 80, 110]);
    assert.equal(station.capacityPerSec(60), 1000 / 30);
  });

  test('exponential service times have the mean asked for, the same for the same seed', () => {
    const run = (seed: number) => {
      const clock = new FakeClock();
      const station = new ServiceStation({ slots: 1, serviceTimeMs: 5, distribution: 'exp', seed }, clock);
      const served = admitAll(station, clock, 4000);
      clock.runUntil(60_000_000, 100_000);
      return served;
    };
    const first = run(7);
    const meanMs = first.at(-1)! / 4000;
    assert.ok(Math.abs(meanMs - 5) < 0.3, `mean service ${meanMs} ms`);
    assert.deepEqual(run(7).slice(0, 50), first.slice(0, 50));
  });

  test('a request whose client left is not served, yet its slot stays taken', () => {
    const clock = new FakeClock();
    const station = new ServiceStation({ slots: 1, serviceTimeMs: 10, distribution: 'fixed' }, clock);
    let servedFirst = false;
    const cancel = station.admit(() => (servedFirst = true));
    const served = admitAll(station, clock, 1);
    cancel();
    clock.runUntil(100_000, 1000);
    assert.equal(servedFirst, false);
    assert.deepEqual(served, [20]);
  });
});

describe('salvo serve http --service-time', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess('http', ['--slots', '2', '--service-time', '50ms']);
  });
  after(async () => {
    await target.stop();
  });

  test('answers every route after its service, and six requests at once on two slots take three service times', async () => {
    const startMs = performance.now();
    const responses = await Promise.all(Array.from({ length: 6 }, () => fetch(`${target.url}/`)));
    const elapsedMs = performance.now() - startMs;
    assert.deepEqual(
      responses.map((response) => response.status),
      Array(6).fill(200),
    );
    assert.equal(await responses[0]!.text(), 'hello\n');
    // At least three rounds of 50 ms: queueing happened (no upper bound: the machine may be busy).
    assert.ok(elapsedMs >= 149, `took ${elapsedMs} ms`);
    // Server-Timing counts from each request's own arrival, and the six arrive spread out (connections open
    // one after another): the last two, served third, waited two services less that spread.
    const timing = responses.map((response) => Number(/dur=([\d.]+)/.exec(response.headers.get('server-timing')!)![1]));
    assert.ok(Math.max(...timing) >= 75, `Server-Timing includes the wait: ${timing}`);
  });

  test('bad station flags: one line, exit 2', () => {
    assertUsageError(['serve', 'http', '--slots', '4'], /--slots needs --service-time/);
    assertUsageError(['serve', 'http', '--then', '30ms@10s'], /--then needs --service-time/);
    assertUsageError(['serve', 'http', '--service-time', 'fast'], /--service-time.*"fast" is not a duration/);
    assertUsageError(['serve', 'http', '--service-time', '10ms', '--slots', '0'], /--slots.*at least 1/);
    assertUsageError(['serve', 'http', '--service-time', '10ms', '--service-dist', 'normal'], /"normal" is not a distribution/);
    assertUsageError(['serve', 'http', '--service-time', '10ms', '--then', '30ms'], /"30ms" is not a change/);
    assertUsageError(['serve', 'http', '--service-time', '10ms', '--then', '30ms@10s', '--then', '5ms@5s'], /in order of time/);
  });
});
