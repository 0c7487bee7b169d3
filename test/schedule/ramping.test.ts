import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArrivalRateExecutor } from '../../src/executors/arrival-rate.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { meanRateOf, type RampingExecutor } from '../../src/plan/executors/index.js';
import { pacerFor } from '../../src/runner/runtimes.js';
import { validatePlan } from '../../src/plan/validate.js';
import { ConstantPacer } from '../../src/schedule/constant.js';
import { RampingPacer, type RampStage } from '../../src/schedule/ramping.js';
import { describeExecutor } from '../../src/report/terminal-summary.js';
import { FakeClock } from '../../src/time/fake-clock.js';
import { FakeTransport } from '../executors/fake-transport.js';

/** Every due time of the ramp, in order, until the pacer says it is done. */
function schedule(pacer: RampingPacer): number[] {
  const due: number[] = [];
  for (let index = 0; ; index++) {
    const dueUs = pacer.dueUs(index);
    if (dueUs === Infinity) return due;
    due.push(dueUs);
  }
}

/** How many due times fall in each [from, to) window, windows in seconds. */
function countsIn(due: number[], windowsSec: [number, number][]): number[] {
  return windowsSec.map(([from, to]) => due.filter((us) => us >= from * 1e6 && us < to * 1e6).length);
}

const stage = (targetRatePerSec: number, seconds: number): RampStage => ({ targetRatePerSec, durationMs: seconds * 1000 });

describe('RampingPacer', () => {
  const cases: { name: string; start: number; stages: RampStage[]; windows: [number, number][]; counts: number[] }[] = [
    { name: '0 → 100 req/s over 10 s', start: 0, stages: [stage(100, 10)], windows: [[0, 10]], counts: [500] },
    { name: '100 req/s flat for 5 s', start: 100, stages: [stage(100, 5)], windows: [[0, 5]], counts: [500] },
    {
      name: 'up, hold, down',
      start: 0,
      stages: [stage(100, 10), stage(100, 5), stage(0, 10)],
      windows: [
        [0, 10],
        [10, 15],
        [15, 25],
      ],
      counts: [500, 500, 500],
    },
    {
      name: 'halves of a ramp 0 → 100 over 10 s',
      start: 0,
      stages: [stage(100, 10)],
      windows: [
        [0, 5],
        [5, 10],
      ],
      counts: [125, 375],
    },
    {
      name: '50 → 150 over 2 s',
      start: 50,
      stages: [stage(150, 2)],
      windows: [
        [0, 1],
        [1, 2],
      ],
      counts: [75, 125],
    },
    {
      name: 'nothing for 2 s, then 0 → 10 over 2 s',
      start: 0,
      stages: [stage(0, 2), stage(10, 2)],
      windows: [
        [0, 2],
        [2, 4],
      ],
      counts: [0, 10],
    },
    {
      name: '10 → 0 over 4 s',
      start: 10,
      stages: [stage(0, 4)],
      windows: [
        [0, 2],
        [2, 4],
      ],
      counts: [15, 5],
    },
    {
      name: 'a step: 10 flat, then 1000 flat',
      start: 10,
      stages: [stage(10, 1), { targetRatePerSec: 1000, durationMs: 1 }, stage(1000, 1)],
      windows: [
        [0, 1],
        [1, 1.001],
        [1.001, 2.001],
      ],
      counts: [10, 1, 1000],
    },
    { name: '0 → 3 over 1 s: 1.5 requests round up', start: 0, stages: [stage(3, 1)], windows: [[0, 1]], counts: [2] },
  ];
  for (const { name, start, stages, windows, counts } of cases) {
    test(`${name}: ${counts.join(', ')} requests per window, in order, inside the duration`, () => {
      const pacer = new RampingPacer(start, stages);
      const due = schedule(pacer);
      assert.deepEqual(countsIn(due, windows), counts);
      assert.equal(due.length, pacer.totalRequests);
      const durationUs = stages.reduce((sum, s) => sum + s.durationMs, 0) * 1000;
      due.forEach((us, index) => {
        assert.ok(us >= 0 && us < durationUs, `request ${index} at ${us} µs is outside [0, ${durationUs})`);
        if (index > 0) assert.ok(us >= due[index - 1]!, `request ${index} at ${us} µs comes before request ${index - 1} at ${due[index - 1]} µs`);
      });
    });
  }

  test('a ramp from 0 puts request i at √(2iT/b), the inverse of its integral', () => {
    const pacer = new RampingPacer(0, [stage(100, 10)]);
    for (const index of [0, 1, 2, 50, 125, 499]) assert.ok(Math.abs(pacer.dueUs(index) - Math.sqrt(index / 5) * 1e6) < 1e-6, `request ${index}`);
  });

  test('a flat stage spaces requests as ConstantPacer does, with no drift at large indices', () => {
    const ramp = new RampingPacer(1_000_000, [stage(1_000_000, 1000)]);
    const constant = new ConstantPacer(1_000_000);
    for (const index of [0, 1, 999_999, 123_456_789, 999_999_999]) assert.equal(ramp.dueUs(index), constant.dueUs(index));
  });

  test('later stages start where earlier ones end, computed from the index alone', () => {
    const pacer = new RampingPacer(0, [stage(100, 10), stage(100, 5)]);
    // Asked out of order, it answers the same as in order.
    assert.equal(pacer.dueUs(500), 10_000_000);
    assert.equal(pacer.dueUs(600), 11_000_000);
    assert.equal(pacer.dueUs(0), 0);
    assert.equal(pacer.dueUs(999), 14_990_000);
    assert.equal(pacer.dueUs(1000), Infinity);
  });

  test('the mean rate is what the ramp sends over its duration', () => {
    assert.equal(meanRateOf(0, [stage(100, 10), stage(100, 5), stage(0, 10)]), 60);
  });
});

describe('ramping-arrival-rate executor on a fake clock', () => {
  test('sends the ramp’s schedule, each request at its intended time, and ends', () => {
    const plan = validatePlan({
      target: { url: 'http://127.0.0.1:8080/' },
      executor: {
        type: 'ramping-arrival-rate',
        startRatePerSec: 0,
        stages: [
          { targetRatePerSec: 200, durationMs: '1s' },
          { targetRatePerSec: 200, durationMs: 500 },
          { targetRatePerSec: 0, durationMs: '1s' },
        ],
      },
    });
    const executor = plan.executor as RampingExecutor;
    assert.equal(executor.durationMs, 2500);
    const startUs = 7_000_000;
    const clock = new FakeClock(startUs);
    const recorder = new Recorder(startUs, 1_700_000_000_000);
    const transport = new FakeTransport(clock, Infinity, recorder);
    const running = new ArrivalRateExecutor(
      (ratePerSec, stream) => pacerFor(executor, ratePerSec, stream),
      { clock, transport, recorder, startUs, durationUs: executor.durationMs * 1000 },
      100_000,
    );
    let issuedAtUs: number | undefined;
    running.start(() => (issuedAtUs = clock.nowUs() - startUs));
    clock.runUntil(startUs + 3_000_000, 100);
    const expected = schedule(new RampingPacer(0, executor.stages));
    assert.equal(expected.length, 300);
    const intended = transport.intendedSince(startUs);
    assert.equal(intended.length, expected.length);
    intended.forEach((us, index) => assert.ok(Math.abs(us - expected[index]!) < 1e-6, `request ${index}`));
    transport.sentSince(startUs).forEach((us, index) => assert.ok(us - intended[index]! < 100 && us >= intended[index]!, `request ${index} sent late`));
    assert.equal(recorder.measured.totals().sent, 300);
    assert.equal(recorder.measured.totals().dropped, 0);
    assert.ok(issuedAtUs !== undefined && issuedAtUs < 2_500_000, 'issuing ends once the ramp has sent everything');
    assert.equal(clock.pendingTimers(), 0);
    assert.equal(describeExecutor(executor), 'ramping-arrival-rate 0/s → 200/s → 200/s → 0/s over 3 stages for 2.5s');
  });
});
