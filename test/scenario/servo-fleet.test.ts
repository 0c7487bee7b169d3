// The built-in servo-fleet scenario's servo, step by step against the emulator in-process: which
// events it sends in which order, how it recovers, and what it counts. Its steps are driven by hand
// (onStart, tasks, onStop) with a context whose sleeps return at once, so nothing here waits on time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Response, UserContext, UserTypeDefinition } from '../../src/scenario/api.js';
import { servoFleetOptions, type ServoFleetOptions } from '../../src/plan/servo-fleet-options.js';
import { servoFleetScenario, violationReason } from '../../src/scenario/builtin/servo-fleet.js';
import { startServoFleet, type RunningServoFleet } from '../../src/targets/servo-fleet/server.js';
import { STATE_NAMES } from '../../src/targets/servo-fleet/protocol.js';
import { Client, REACH } from '../targets/servo-fleet/helpers.js';

/** What one servo did: each request as "EVENT" or "EVENT(progress)", the sleeps asked for, counters and checks. */
interface Recording {
  sent: string[];
  sleepsMs: number[];
  counts: Map<string, number>;
  checks: Map<string, boolean>;
}

type Reply = { status: number; body: string };

/** A UserContext over fetch (or a canned `answer`), recording what the servo does; `stopAfterSleeps` makes it stopping after that many sleeps. */
function recordingContext(
  base: string,
  id: number,
  options: { answer?: (path: string, body: unknown) => Reply | undefined; stopAfterSleeps?: number } = {},
): { ctx: UserContext; recording: Recording } {
  const recording: Recording = { sent: [], sleepsMs: [], counts: new Map(), checks: new Map() };
  let stopping = false;
  const request = async (
    method: string,
    url: string,
    requestOptions: { json?: unknown; headers?: Record<string, string>; name?: string } = {},
  ): Promise<Response> => {
    const json = requestOptions.json as { event?: string; param?: { progress?: number } } | undefined;
    recording.sent.push(
      json?.event === undefined
        ? `${method} ${requestOptions.name}`
        : json.param?.progress === undefined
          ? json.event
          : `${json.event}(${json.param.progress})`,
    );
    const canned = options.answer?.(url, json);
    const reply: Reply =
      canned ??
      (await fetch(new URL(url, base), {
        method,
        headers: { ...requestOptions.headers, ...(json ? { 'content-type': 'application/json' } : {}) },
        ...(json ? { body: JSON.stringify(json) } : {}),
      }).then(async (res) => ({ status: res.status, body: await res.text() })));
    return {
      status: reply.status,
      headers: {},
      body: Buffer.from(reply.body),
      durationMs: 0,
      text: () => reply.body,
      json: <T>() => JSON.parse(reply.body) as T,
    };
  };
  const unused = (): never => {
    throw new Error('not used by the servo');
  };
  const ctx: UserContext = {
    user: { id, type: 'servo' },
    http: {
      request,
      get: (url, o) => request('GET', url, o),
      post: (url, o) => request('POST', url, o),
      head: unused,
      delete: unused,
      put: unused,
      patch: unused,
    },
    check: (value, checks) =>
      Object.entries(checks).every(([name, predicate]) => {
        const passed = predicate(value);
        recording.checks.set(name, passed);
        return passed;
      }),
    count: (name, by = 1) => recording.counts.set(name, (recording.counts.get(name) ?? 0) + by),
    sleep: async (ms) => {
      recording.sleepsMs.push(ms);
      if (options.stopAfterSleeps !== undefined && recording.sleepsMs.length >= options.stopAfterSleeps) stopping = true;
    },
    vars: {},
    data: {},
    row: unused,
    random: { float: () => 0.5, int: (min) => min, pick: (items) => items[0]!, string: () => 'x', uuid: () => '0' },
    get stopping() {
      return stopping;
    },
  };
  return { ctx, recording };
}

const servoType = (options: Partial<ServoFleetOptions> & { apps: number }): UserTypeDefinition =>
  servoFleetScenario(servoFleetOptions.options.parse(options)).userTypes.servo!;

/** onStart, `steps` runs of the one task, onStop: the VirtualUser loop without its waits. */
async function runServo(type: UserTypeDefinition, ctx: UserContext, steps: number): Promise<void> {
  const task = type.tasks.command as (ctx: UserContext) => Promise<void>;
  await type.onStart!(ctx);
  for (let step = 0; step < steps && !ctx.stopping; step++) await task(ctx);
  await type.onStop!(ctx);
}

describe('the servo-fleet scenario against the emulator', () => {
  let target: RunningServoFleet;
  before(async () => {
    target = await startServoFleet({ apps: 4, log: () => {} });
  });
  after(() => target.close());

  test('lists the applications, greets, follows every command with its progress reports, and says GOODBYE', async () => {
    const { ctx, recording } = recordingContext(target.url, 1);
    await runServo(servoType({ apps: 4, progressReports: 2, progressIntervalMs: 250 }), ctx, 4);
    assert.deepEqual(recording.sent, [
      'GET application-overrides',
      'HELLO',
      'WHATS_NEXT',
      'DESCRIPTION',
      'WHATS_NEXT',
      'MEASUREMENT(33)',
      'MEASUREMENT(67)',
      'MEASUREMENT',
      'WHATS_NEXT',
      'ADJUSTMENT(33)',
      'ADJUSTMENT(67)',
      'ADJUSTMENT',
      'WHATS_NEXT',
      'MEASUREMENT(33)',
      'MEASUREMENT(67)',
      'MEASUREMENT',
      'GOODBYE',
    ]);
    // A wait before every report, progress or final.
    assert.deepEqual(recording.sleepsMs, new Array(9).fill(250));
    assert.deepEqual([...recording.counts], [], 'no protocol violation');
    assert.deepEqual([...recording.checks], [['servo: its application is listed in application-overrides', true]]);
    assert.equal(target.fleet.cycles[0], 2, 'user 1 is the servo of app00000, two measurements done');
    assert.equal(STATE_NAMES[target.fleet.state[0]!], 'terminated');
  });

  test('a servo whose application was left mid-cycle counts the refused HELLO by reason, closes the session and greets again', async () => {
    await new Client(target.url).walk(1, REACH['in-measure']!);
    const type = servoType({ apps: 4, progressReports: 1 });
    const first = recordingContext(target.url, 1);
    const second = recordingContext(target.url, 2);
    await type.onStart!(first.ctx); // app00000
    await type.onStart!(second.ctx); // app00001, left in in-measure
    assert.deepEqual(first.recording.sent, ['GET application-overrides', 'HELLO'], 'the first servo lists the applications for the fleet');
    assert.deepEqual(second.recording.sent, ['HELLO', 'GOODBYE', 'HELLO']);
    assert.deepEqual([...second.recording.counts], [['protocol violation: HELLO is not valid in state in-measure', 1]]);
    assert.equal(STATE_NAMES[target.fleet.state[1]!], 'hello-received');
    await type.onStop!(second.ctx);
    await type.onStop!(first.ctx);
  });

  test('told to stop in the middle of a measurement, the servo leaves with GOODBYE, which the backend accepts', async () => {
    // Sleeps: one before the first progress report, then stopping during the second.
    const { ctx, recording } = recordingContext(target.url, 1, { stopAfterSleeps: 2 });
    await runServo(servoType({ apps: 4, progressReports: 3 }), ctx, 10);
    assert.deepEqual(recording.sent, ['GET application-overrides', 'HELLO', 'WHATS_NEXT', 'DESCRIPTION', 'WHATS_NEXT', 'MEASUREMENT(25)', 'GOODBYE']);
    assert.deepEqual([...recording.counts], []);
    assert.equal(STATE_NAMES[target.fleet.state[0]!], 'terminated');
  });

  test('servos take the applications in the order they start, and one whose application is not listed stays idle without a request', async () => {
    const type = servoType({ apps: 6 }); // the backend has 4
    const servos = [1, 2, 3, 4, 5, 6].map((id) => recordingContext(target.url, id));
    for (const { ctx } of servos) await type.onStart!(ctx);
    await (type.tasks.command as (ctx: UserContext) => Promise<void>)(servos[4]!.ctx);
    const unlisted = servos[4]!.recording;
    assert.deepEqual(unlisted.sent, [], 'app00004 is not listed: no HELLO, and its task only waits');
    assert.deepEqual([...unlisted.checks], [['servo: its application is listed in application-overrides', false]]);
    assert.equal(unlisted.sleepsMs.length, 1);
    for (const { ctx } of servos) await type.onStop!(ctx);
    assert.deepEqual(
      servos.map(({ recording }) => recording.sent.at(-1)),
      ['GOODBYE', 'GOODBYE', 'GOODBYE', 'GOODBYE', undefined, undefined],
    );
  });
});

describe('the servo-fleet scenario with a canned backend', () => {
  const ok = { status: 200, body: '{"status":"ok"}' };

  test('obeys SLEEP for the seconds it says, then asks again', async () => {
    const commands = ['{"cmd":"SLEEP","param":{"duration":5}}', '{"cmd":"DESCRIBE","param":{}}'];
    const { ctx, recording } = recordingContext('http://127.0.0.1:9/', 1, {
      answer: (path, body) =>
        path.endsWith('application-overrides')
          ? { status: 200, body: '{"app00000":{}}' }
          : (body as { event: string }).event === 'WHATS_NEXT'
            ? { status: 200, body: commands.shift()! }
            : ok,
    });
    await runServo(servoType({ apps: 1 }), ctx, 2);
    assert.deepEqual(recording.sent, ['GET application-overrides', 'HELLO', 'WHATS_NEXT', 'WHATS_NEXT', 'DESCRIPTION', 'GOODBYE']);
    assert.deepEqual(recording.sleepsMs, [5000]);
  });

  test('after a refused event it greets again at its next step', async () => {
    const { ctx, recording } = recordingContext('http://127.0.0.1:9/', 1, {
      answer: (path, body) => {
        if (path.endsWith('application-overrides')) return { status: 200, body: '{"app00000":{}}' };
        const event = (body as { event: string }).event;
        if (event === 'WHATS_NEXT')
          return recording.sent.filter((sent) => sent === 'WHATS_NEXT').length === 1
            ? { status: 400, body: '{"detail":"app00000: WHATS_NEXT in state start-measure: no command is pending"}' }
            : { status: 200, body: '{"cmd":"DESCRIBE","param":{}}' };
        return ok;
      },
    });
    await runServo(servoType({ apps: 1 }), ctx, 2);
    assert.deepEqual(recording.sent, ['GET application-overrides', 'HELLO', 'WHATS_NEXT', 'HELLO', 'WHATS_NEXT', 'DESCRIPTION', 'GOODBYE']);
    assert.deepEqual([...recording.counts], [['protocol violation: WHATS_NEXT in state start-measure: no command is pending', 1]]);
  });
});

describe('violationReason', () => {
  const reply = (body: string): Response => ({
    status: 400,
    headers: {},
    body: Buffer.from(body),
    durationMs: 0,
    text: () => body,
    json: <T>() => JSON.parse(body) as T,
  });

  for (const [detail, reason] of [
    ['app00042: WHATS_NEXT in state in-measure: no command is pending', 'WHATS_NEXT in state in-measure: no command is pending'],
    [
      'app01234: MEASUREMENT (progress 33) in state in-measure: progress went backwards from 67',
      'MEASUREMENT (progress N) in state in-measure: progress went backwards from N',
    ],
    ['app00007: HELLO is not valid in state start-adjust', 'HELLO is not valid in state start-adjust'],
    [
      "Sequence error for app00007: Unexpected event event='HELLO' param={'agent': 'in state x'} in state start-adjust",
      'HELLO is not valid in state start-adjust',
    ],
    [
      "Sequence error for app00007: Unexpected event event='ADJUSTMENT' param={'progress': 7}(7%) in state in-measure",
      'ADJUSTMENT is not valid in state in-measure',
    ],
    ['Sequence error for app00042: Unexpected WHATS_NEXT in in-measure', 'Unexpected WHATS_NEXT in in-measure'],
    ['Sequence error for app00042: Progress going backwards: old=67, new=33', 'Progress going backwards: old=N, new=N'],
    ['Received event MEASUREMENT for unknown app app00042', 'Received event MEASUREMENT for an application never greeted'],
  ] as const) {
    test(`"${detail}" → "${reason}"`, () => assert.equal(violationReason(reply(JSON.stringify({ detail }))), reason));
  }

  test('a 400 without a JSON detail is still counted, under its own reason', () => {
    assert.equal(violationReason(reply('bad request')), 'HTTP 400 without a JSON detail');
    assert.equal(violationReason(reply('{"error":"x"}')), 'HTTP 400 without a detail');
  });
});
