import assert from 'node:assert/strict';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { ProgressFrames } from '../../src/report/progress-frames.js';
import { renderDashboardPage } from '../../src/report/dashboard/page.js';
import { startDashboard, type Dashboard } from '../../src/report/dashboard/server.js';
import { Steering, SteeringError } from '../../src/report/dashboard/steering.js';
import type { RunResult } from '../../src/result/types.js';
import type { RunHandle } from '../../src/runner/handle.js';
import { assertUsageError, salvo } from '../support/cli.js';
import { readDashboardStream, sendControl } from '../support/dashboard-stream.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

const TARGET = { url: 'http://127.0.0.1:9/' };
const TOKEN = 'a-token-of-some-length';

/** A run handle that only notes what it is told, as a controller's tests do. */
function recordingHandle(): RunHandle & { calls: string[] } {
  const calls: string[] = [];
  let rate: number | null = null;
  return {
    calls,
    result: new Promise<RunResult>(() => {}),
    setRate: (ratePerSec) => {
      calls.push(`rate ${ratePerSec}`);
      rate = ratePerSec;
    },
    setConcurrency: (connections) => {
      if (connections > 500) throw new RangeError(`concurrency of ${connections} refused by the handle`);
      calls.push(`concurrency ${connections}`);
    },
    stop: (reason) => calls.push(`stop ${reason}`),
    inFlight: () => 0,
    targetRatePerSec: () => rate,
    measuredSoFar: () => [],
  };
}

const planOf = (executor: PlanInput['executor'], extra: Partial<PlanInput> = {}) => validatePlan({ target: TARGET, executor, ...extra });
const RATE_PLAN = planOf({ type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 5000 }, { connections: 8 });

describe('Steering', () => {
  test('offers the controls the executor takes, with their values now', () => {
    assert.deepEqual(new Steering(RATE_PLAN).controls(), { rate: 100, concurrency: 8 });
    assert.deepEqual(new Steering(planOf({ type: 'max-throughput', durationMs: 1000 }, { connections: 3 })).controls(), { concurrency: 3 });
    assert.deepEqual(new Steering(planOf({ type: 'constant-throughput', setpointPerSec: 50, durationMs: 1000 })).controls(), { setpoint: 50 });
    const users = planOf(
      { type: 'constant-vus', vus: 2, durationMs: 1000 },
      { userTypes: [{ name: 'U', tasks: [{ name: 't', request: { url: '/' }, weight: 1 }] }] },
    );
    assert.deepEqual(new Steering(users).controls(), { concurrency: null });
  });

  test("on a shard: the rate box holds the whole plan's rate, as setRate takes it, and the page says so", () => {
    const shard = planOf({ type: 'constant-arrival-rate', ratePerSec: 300, durationMs: 5000 }, { connections: 9, shard: { index: 2, count: 3 } });
    assert.deepEqual(new Steering(shard).controls(), { rate: 300, concurrency: 3 });
    const page = renderDashboardPage(shard, { js: '', css: '' });
    assert.match(page, /rate of all 3 shards \(this one sends 1\/3\)/);
    assert.match(page, /connections of this shard/);
    assert.doesNotMatch(renderDashboardPage(RATE_PLAN, { js: '', css: '' }), /shard/);
  });

  test('each change goes through the handle and is kept as an event, timed from time zero', () => {
    let nowMs = 1_000_000;
    const handle = recordingHandle();
    const steering = new Steering(RATE_PLAN, () => nowMs);
    steering.attach(handle);
    nowMs += 1500;
    steering.set('rate', 250);
    nowMs += 1000;
    steering.set('concurrency', 20);
    nowMs += 500;
    steering.stop();
    assert.deepEqual(handle.calls, ['rate 250', 'concurrency 20', 'stop dashboard']);
    const result = steering.withEvents({ ...syntheticRunResult({ seconds: [{}] }), startedAt: new Date(1_000_000).toISOString() });
    assert.deepEqual(result.events, [
      { tMs: 1500, what: 'rate', from: 100, to: 250 },
      { tMs: 2500, what: 'concurrency', from: 8, to: 20 },
      { tMs: 3000, what: 'stop', from: null, to: null },
    ]);
    assert.throws(() => steering.set('rate', 10), /the run has ended/);
  });

  test('refuses, without touching the run, what does not fit: a reason for each', () => {
    const handle = recordingHandle();
    const steering = new Steering(RATE_PLAN);
    assert.throws(() => steering.set('rate', 10), /has not started yet/);
    steering.attach(handle);
    const refusals: [Parameters<Steering['set']>[0], unknown, RegExp][] = [
      ['rate', 'abc', /rate must be a number, got "abc"/],
      ['rate', -5, /rate must be above 0/],
      ['rate', 0, /rate must be above 0/],
      ['rate', 1e12, /at most 1000000000/],
      ['rate', null, /must be a number/],
      ['concurrency', 2.5, /whole number/],
      ['concurrency', 0, /whole number from 1/],
      ['concurrency', 600, /refused by the handle/],
      ['setpoint', 10, /this run takes no setpoint: it takes rate, concurrency, stop/],
    ];
    for (const [control, value, reason] of refusals) {
      assert.throws(
        () => steering.set(control, value),
        (error: unknown) => error instanceof SteeringError && reason.test(error.message),
        `${control} ${value}`,
      );
    }
    assert.deepEqual(handle.calls, []);
    assert.equal(steering.withEvents(syntheticRunResult({ seconds: [{}] })).events, undefined, 'no change, no events field');
  });
});

/** GET / with a Host header of our choosing (fetch does not let a caller set it). */
function statusWithHost(dashboard: Dashboard, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(new URL('/', dashboard.url), { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
}

describe('the dashboard server', () => {
  let handle: ReturnType<typeof recordingHandle>;
  let dashboard: Dashboard;
  before(async () => {
    handle = recordingHandle();
    const steering = new Steering(RATE_PLAN);
    steering.attach(handle);
    dashboard = await startDashboard({ host: '127.0.0.1', port: 0, token: TOKEN, plan: RATE_PLAN, steering });
  });
  after(() => dashboard.close());

  test('its address carries the token in the fragment, which no request sends', () => {
    assert.match(dashboard.url, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/#token=${TOKEN}$`));
  });

  test('serves one self-contained page: uPlot inlined, nothing to load from elsewhere', async () => {
    const response = await fetch(new URL('/', dashboard.url));
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /uPlot/);
    assert.deepEqual(html.match(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//gi), null);
    assert.match(html, /connect-src 'self'/);
    assert.match(html, /id="chart-users"[^>]*hidden/, 'no chart of virtual users for an arrival rate');
  });

  test('a control without the token, or with a wrong one, is refused and changes nothing', async () => {
    assert.deepEqual(await sendControl(dashboard.url, { what: 'rate', value: 200 }), {
      status: 403,
      body: { error: 'this dashboard needs its token to steer the run' },
    });
    assert.equal((await sendControl(dashboard.url, { what: 'stop' }, { 'x-salvo-token': 'wrong-token' })).status, 403);
    assert.deepEqual(handle.calls, []);
  });

  test('bad controls get 400 with the reason; requests from other sites and other content types are refused', async () => {
    const auth = { 'x-salvo-token': TOKEN };
    assert.deepEqual(await sendControl(dashboard.url, { what: 'rate', value: -3 }, auth), {
      status: 400,
      body: { error: 'rate must be above 0 and at most 1000000000 per second, got -3' },
    });
    assert.equal((await sendControl(dashboard.url, { what: 'warp', value: 9 }, auth)).status, 400);
    assert.match((await sendControl(dashboard.url, 'not an object', auth)).body.error!, /"what" must be one of rate, concurrency, setpoint, stop/);
    const notJson = await fetch(new URL('/control', dashboard.url), { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{' });
    assert.equal(notJson.status, 400);
    const form = await fetch(new URL('/control', dashboard.url), { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: '{}' });
    assert.equal(form.status, 415);
    assert.equal((await sendControl(dashboard.url, { what: 'stop' }, { ...auth, origin: 'http://evil.example' })).status, 403);
    assert.equal(await statusWithHost(dashboard, 'evil.example'), 403, 'a name rebound to this address');
    assert.equal(await statusWithHost(dashboard, 'localhost'), 200);
    assert.deepEqual(handle.calls, []);
  });

  test('with the token a change reaches the run; the stream sends the history, the changes and the end', async () => {
    const frames = new ProgressFrames(RATE_PLAN, () => 12.5);
    const seconds = syntheticRunResult({ seconds: [{ latenciesUs: [1000, 2000, 3000] }, { latenciesUs: [4000], failed: 2 }] }).series;
    dashboard.publish(frames.next(seconds[0]!, { inFlight: 3, targetRatePerSec: handle.targetRatePerSec() }));
    assert.equal((await sendControl(dashboard.url, { what: 'rate', value: 150 }, { 'x-salvo-token': TOKEN })).status, 200);
    assert.deepEqual(handle.calls, ['rate 150']);
    // A second recorded with its uncorrected latencies (here those of the first second's corrected ones).
    const withUncorrected = { ...seconds[1]!, uncorrectedHistogram: seconds[0]!.histogram };
    dashboard.publish(frames.next(withUncorrected, { inFlight: 1, targetRatePerSec: handle.targetRatePerSec() }));
    const result = syntheticRunResult({ seconds: [{}] });
    // The end closes every open stream, this one included.
    // Once the history sent on connecting (which ends with `events`) is read, the run ends.
    const events = await readDashboardStream(dashboard.url, ({ event }) => {
      if (event === 'events') dashboard.finish({ ...result, events: [{ tMs: 1200, what: 'rate', from: 100, to: 150 }] }, '/tmp/report.html');
    });
    assert.deepEqual(
      events.map(({ event }) => event),
      ['hello', 'frame', 'frame', 'events', 'end'],
    );
    const [hello, first, second, changes, end] = events.map(({ data }) => data) as Record<string, unknown>[];
    assert.deepEqual(hello!.controls, { rate: 150, concurrency: 8 });
    assert.equal(hello!.tokenRequired, true);
    assert.equal(first!.targetPerSec, 100, 'the rate asked for in the first second');
    assert.equal(second!.targetPerSec, 150, 'the new rate from the change on');
    const { p50, p90, p99 } = first!.latencyMs as Record<string, number>;
    assert.deepEqual({ p50, p99 }, { p50: seconds[0]!.latencyMs.p50, p99: seconds[0]!.latencyMs.p99 });
    assert.ok(p90! >= p50! && p90! <= p99!, `p90 ${p90} between p50 and p99`);
    assert.equal(first!.uncorrectedMs, null, 'a second recorded without them');
    assert.deepEqual(second!.uncorrectedMs, first!.latencyMs);
    assert.equal(first!.cpuPercent, 12.5);
    assert.equal((changes as unknown as unknown[]).length, 1);
    assert.equal(end!.report, 'file:///tmp/report.html');
    assert.equal((await sendControl(dashboard.url, { what: 'rate', value: 10 }, { 'x-salvo-token': TOKEN })).status, 409);
  });
});

describe('salvo run --dashboard: bad input', () => {
  test('a non-loopback address needs a token; the token needs the dashboard and some length', () => {
    assertUsageError(
      ['run', 'http://127.0.0.1:9/', '--dashboard', '0.0.0.0:0'],
      /--dashboard 0\.0\.0\.0 can be reached from other machines: give --dashboard-token/,
    );
    assertUsageError(['run', 'http://127.0.0.1:9/', '--dashboard-token', TOKEN], /--dashboard-token applies only with --dashboard/);
    assertUsageError(['run', 'http://127.0.0.1:9/', '--dashboard', '127.0.0.1:0', '--dashboard-token', 'short'], /at least 8 characters/);
    assertUsageError(['run', 'http://127.0.0.1:9/', '--dashboard', 'nowhere'], /"nowhere" is not host:port/);
  });

  test('an address in use fails the command in one line before any load is sent', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      const { status, stderr, stdout } = salvo('run', 'http://127.0.0.1:9/', '--no-probe', '--dashboard', `127.0.0.1:${port}`, '-d', '1s', '-r', '5');
      assert.equal(status, 2, stderr);
      assert.match(stderr, new RegExp(`^salvo: error: --dashboard: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)\\n$`));
      assert.equal(stdout, '');
    } finally {
      taken.close();
    }
  });
});
