// Loopback tests of `salvo serve servo-fleet`: the protocol over HTTP, every route.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startServoFleet, type RunningServoFleet } from '../../../src/targets/servo-fleet/server.js';
import { SnapshotError } from '../../../src/targets/servo-fleet/snapshot.js';
import { STATE_NAMES } from '../../../src/targets/servo-fleet/protocol.js';
import { TRANSITIONS } from '../../../src/targets/servo-fleet/transitions.js';
import { EVENT_NAMES } from '../../../src/targets/servo-fleet/protocol.js';
import { ACCEPTED_NEXT, Client, REACH, adjustment, description, goodbye, hello, label, measurement, whatsNext, type Step } from './helpers.js';

const APPS = 1000;
let nextApp = 0;
/** Every case gets an app of its own, so cases are independent. */
const freshApp = (): number => nextApp++;

describe('servo-fleet emulator over HTTP, --strict', () => {
  let target: RunningServoFleet;
  let client: Client;
  const stateOf = (app: number): string => STATE_NAMES[target.fleet.state[app]!];

  before(async () => {
    target = await startServoFleet({ apps: APPS, strict: true, log: () => {} });
    client = new Client(target.url);
  });
  after(() => target.close());

  describe('every valid transition', () => {
    for (const t of TRANSITIONS) {
      const from = STATE_NAMES[t.from];
      const step: Step = { event: EVENT_NAMES[t.event], ...(t.progress ? { progress: 30 } : {}) };
      test(`${from} + ${label(step)} → ${STATE_NAMES[t.to]}`, async () => {
        const app = freshApp();
        await client.walk(app, REACH[from]!);
        const reply = await client.send(app, step);
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, { status: 'ok' });
        assert.equal(stateOf(app), STATE_NAMES[t.to]);
      });
    }
  });

  describe('every invalid transition: 400 naming app, event and state; state unchanged', () => {
    const variants: Step[] = [hello, description, measurement(), measurement(30), adjustment(), adjustment(30), goodbye];
    for (const from of STATE_NAMES) {
      for (const step of variants) {
        const valid = TRANSITIONS.some(
          (t) => STATE_NAMES[t.from] === from && EVENT_NAMES[t.event] === step.event && t.progress === (step.progress !== undefined),
        );
        if (valid) continue;
        test(`${from} + ${label(step)}`, async () => {
          const app = freshApp();
          await client.walk(app, REACH[from]!);
          const before = target.fleet.snapshotOf(app);
          const reply = await client.send(app, step);
          assert.equal(reply.status, 400);
          const detail: string = reply.body.detail;
          assert.ok(detail.includes(`app${String(app).padStart(5, '0')}`), detail);
          assert.ok(detail.includes(step.event), detail);
          assert.ok(detail.includes(from), detail);
          assert.deepEqual(target.fleet.snapshotOf(app), before);
          // The state did not move: the event this state accepts still works.
          assert.equal((await client.send(app, ACCEPTED_NEXT[from]!)).status, 200);
        });
      }
    }
  });

  test('WHATS_NEXT answers the pending command once; otherwise 400', async () => {
    const app = freshApp();
    assert.equal((await client.send(app, whatsNext)).status, 400, 'never greeted');
    await client.walk(app, [hello]);
    assert.deepEqual((await client.send(app, whatsNext)).body, { cmd: 'DESCRIBE', param: {} });
    const again = await client.send(app, whatsNext);
    assert.equal(again.status, 400);
    assert.match(again.body.detail, /app\d{5}: WHATS_NEXT in state hello-received: no command is pending/);
    await client.walk(app, [description]);
    assert.equal((await client.send(app, whatsNext)).body.cmd, 'MEASURE');
    await client.walk(app, [measurement(10), measurement()]);
    const adjust = (await client.send(app, whatsNext)).body;
    assert.equal(adjust.cmd, 'ADJUST');
    assert.deepEqual(adjust.param.state.application.components.web.settings.replicas, { value: 3 });
    assert.deepEqual(adjust.param.state.application.components.java.settings.GCTimeRatio, { value: 99 });
    assert.deepEqual(adjust.param.state.application.components.db.settings.commit_delay, { value: 0 });
    await client.walk(app, [adjustment(10), adjustment()]);
    assert.equal((await client.send(app, whatsNext)).body.cmd, 'MEASURE');
    assert.equal((await client.send(app, whatsNext)).status, 400);
  });

  test('progress: equal and rising accepted, falling 400, out of range or not an integer 400', async () => {
    const app = freshApp();
    await client.walk(app, [...REACH['in-measure']!, measurement(10), measurement(60)]);
    const back = await client.send(app, measurement(59));
    assert.equal(back.status, 400);
    assert.match(back.body.detail, /progress went backwards from 60/);
    for (const bad of [101, -1, 1.5, '50']) {
      const reply = await client.post(app, JSON.stringify({ event: 'MEASUREMENT', param: { progress: bad } }));
      assert.equal(reply.status, 400, String(bad));
      assert.match(reply.body.detail, /progress/);
    }
    assert.equal(target.fleet.progress[app], 60);
    await client.walk(app, [measurement(100), measurement()]);
    assert.equal(stateOf(app), 'start-adjust');
  });

  test('unknown application: 404 with detail', async () => {
    for (const name of ['app01000', 'app99999', 'app1', 'bogus', 'app%zz']) {
      const reply = await client.post(name, JSON.stringify({ event: 'HELLO' }));
      assert.equal(reply.status, 404, name);
      assert.ok(reply.body.detail.includes(name), reply.body.detail);
    }
  });

  test('malformed bodies: 400 with a reason, state unchanged', async () => {
    const app = freshApp();
    await client.walk(app, [hello]);
    const cases: [string, RegExp][] = [
      ['{"event": "HELLO"', /not JSON/],
      ['', /not JSON/],
      ['[1]', /not a JSON object/],
      ['{}', /no "event"/],
      ['{"param": {}}', /no "event"/],
      ['{"event": 7}', /"event" is not a string/],
      ['{"event": "HELO"}', /unknown event "HELO"/],
      ['{"event": "DESCRIPTION", "param": 3}', /"param" is not an object/],
    ];
    for (const [body, why] of cases) {
      const reply = await client.post(app, body);
      assert.equal(reply.status, 400, body);
      assert.match(reply.body.detail, why);
      assert.equal(stateOf(app), 'hello-received');
    }
    assert.equal((await client.send(app, description)).status, 200);
  });

  test('a body over 64 KiB: 413', async () => {
    const reply = await client.post(freshApp(), JSON.stringify({ event: 'HELLO', param: { pad: 'x'.repeat(70_000) } }));
    assert.equal(reply.status, 413);
  });

  test('other routes: overrides, 405 on GET servo, 404 with detail', async () => {
    const overrides = await client.get('/accounts/acme/application-overrides');
    assert.equal(overrides.status, 200);
    const list = JSON.parse(overrides.text);
    assert.equal(Object.keys(list).length, APPS);
    assert.deepEqual(list.app00000, { mode: null, mode_limit: null, state: 'active' });
    assert.ok('app00999' in list && !('app01000' in list));
    assert.equal((await client.get('/accounts/acme/applications/app00000/servo')).status, 405);
    const missing = await client.get('/nope');
    assert.equal(missing.status, 404);
    assert.match(JSON.parse(missing.text).detail, /no route for GET \/nope/);
  });

  test('openapi.json is an OpenAPI 3 document of the routes', async () => {
    const reply = await client.get('/openapi.json');
    assert.equal(reply.status, 200);
    const doc = JSON.parse(reply.text);
    assert.match(doc.openapi, /^3\./);
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/',
      '/accounts/{account}/application-overrides',
      '/accounts/{account}/applications/{app}/servo',
      '/docs',
      '/metrics',
      '/openapi.json',
      '/redoc',
    ]);
    assert.ok(doc.paths['/accounts/{account}/applications/{app}/servo'].post.responses['400']);
    assert.deepEqual(doc.components.schemas.ServoEvent.properties.event.enum, [...EVENT_NAMES]);
  });
});

describe('servo-fleet statistics and metrics', () => {
  test('GET / covers apps seen; /metrics counts requests, sequence errors, cycles', async () => {
    const target = await startServoFleet({ apps: 10, strict: true, log: () => {} });
    const client = new Client(target.url);
    try {
      assert.deepEqual(JSON.parse((await client.get('/')).text), { n: 0, average: null, min: null, max: null });
      const cycle = [measurement(10), measurement(), whatsNext, adjustment(50), adjustment(), whatsNext];
      await client.walk(0, [hello, whatsNext, description, whatsNext, ...cycle, ...cycle, ...cycle]);
      await client.walk(1, [hello, whatsNext, description, whatsNext, ...cycle]);
      await client.walk(2, [hello]);
      assert.deepEqual(JSON.parse((await client.get('/')).text), { n: 3, average: 4 / 3, min: 0, max: 3 });
      await client.send(2, measurement(10)); // hello-received: not in the table
      await client.send(2, whatsNext); // DESCRIBE pending: fine
      await client.send(2, whatsNext); // nothing pending
      await client.post(2, 'nope');
      await client.post('app00010', '{"event":"HELLO"}');

      const metrics = await client.get('/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.type ?? '', /^text\/plain; version=0\.0\.4/);
      const value = (series: string): number => {
        const line = metrics.text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? 0 : Number(line.slice(series.length + 1));
      };
      assert.equal(value('salvo_servo_requests_total{event="HELLO",status="200"}'), 3);
      assert.equal(value('salvo_servo_requests_total{event="MEASUREMENT",status="200"}'), 8);
      assert.equal(value('salvo_servo_requests_total{event="MEASUREMENT",status="400"}'), 1);
      assert.equal(value('salvo_servo_requests_total{event="WHATS_NEXT",status="200"}'), 2 + 6 + 2 + 2 + 1);
      assert.equal(value('salvo_servo_requests_total{event="WHATS_NEXT",status="400"}'), 1);
      assert.equal(value('salvo_servo_requests_total{event="none",status="400"}'), 1);
      assert.equal(value('salvo_servo_requests_total{event="none",status="404"}'), 1);
      assert.equal(value('salvo_servo_sequence_errors_total{event="MEASUREMENT",reason="not-in-table"}'), 1);
      assert.equal(value('salvo_servo_sequence_errors_total{event="WHATS_NEXT",reason="nothing-pending"}'), 1);
      assert.equal(value('salvo_servo_cycles_total'), 4);
      assert.equal(value('salvo_servo_apps_seen'), 3);
      assert.equal(value('salvo_servo_apps{state="initial"}'), 7);
      assert.match(metrics.text, /# TYPE salvo_servo_requests_total counter/);
    } finally {
      await target.close();
    }
  });
});

describe('servo-fleet: requests the HTTP parser refuses', () => {
  /** Writes raw bytes on a fresh connection and reads until the server closes it. */
  const rawExchange = (url: string, request: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(url);
      const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });

  for (const strict of [false, true]) {
    test(`a URL too long (431) and bad bytes in the URL (400) get a reason and are counted${strict ? ', --strict' : ''}`, async () => {
      const target = await startServoFleet({ apps: 10, strict, log: () => {} });
      try {
        const tooLong = await rawExchange(target.url, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`);
        assert.match(tooLong, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
        assert.match(tooLong, /\{"detail":"the request line and headers are larger than \d+ bytes"\}$/);
        const badBytes = await rawExchange(target.url, 'GET /servo\x01app HTTP/1.1\r\nhost: x\r\n\r\n');
        assert.match(badBytes, /^HTTP\/1\.1 400 Bad Request\r\n/);
        assert.match(badBytes, /\{"detail":"malformed request: [^"]+"\}$/);

        const metrics = (await new Client(target.url).get('/metrics')).text;
        assert.match(metrics, /^salvo_servo_requests_total\{event="none",status="431"\} 1$/m);
        assert.match(metrics, /^salvo_servo_requests_total\{event="none",status="400"\} 1$/m);
        assert.match(metrics, /^salvo_servo_malformed_requests_total\{code="HPE_HEADER_OVERFLOW"\} 1$/m);
        assert.match(metrics, /^salvo_servo_malformed_requests_total\{code="HPE_[A-Z_]+"\} 1$/m);
      } finally {
        await target.close();
      }
    });
  }
});

describe('servo-fleet under concurrent servos', () => {
  test('200 servos cycling at once: no sequence errors, even cycle counts', async () => {
    const target = await startServoFleet({ apps: 200, log: () => {} });
    const client = new Client(target.url);
    try {
      const cycle = [measurement(10), measurement(90), measurement(), whatsNext, adjustment(50), adjustment(), whatsNext];
      await Promise.all(
        Array.from({ length: 200 }, (_, app) => client.walk(app, [hello, whatsNext, description, whatsNext, ...cycle, ...cycle, ...cycle, goodbye])),
      );
      assert.deepEqual(JSON.parse((await client.get('/')).text), { n: 200, average: 3, min: 3, max: 3 });
      assert.doesNotMatch((await client.get('/metrics')).text, /salvo_servo_sequence_errors_total\{/);
    } finally {
      await target.close();
    }
  });

  test('racing WHATS_NEXTs on one app: exactly one gets the command', async () => {
    const target = await startServoFleet({ apps: 1, log: () => {} });
    const client = new Client(target.url);
    try {
      await client.walk(0, [hello]);
      const replies = await Promise.all(Array.from({ length: 20 }, () => client.send(0, whatsNext)));
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, ...new Array(19).fill(400)]);
    } finally {
      await target.close();
    }
  });
});

describe('servo-fleet --resync', () => {
  test('adopts the state implied by the first event, logs it, and keeps going', async () => {
    const lines: string[] = [];
    const target = await startServoFleet({ apps: 10, resync: true, log: (line) => lines.push(line) });
    const client = new Client(target.url);
    try {
      await client.walk(3, [measurement(40), measurement(), whatsNext, adjustment(10), adjustment(), whatsNext]);
      assert.equal(STATE_NAMES[target.fleet.state[3]!], 'start-measure');
      assert.equal(target.fleet.cycles[3], 1);
      await client.walk(4, [adjustment()]);
      assert.deepEqual((await client.send(5, whatsNext)).body, { cmd: 'DESCRIBE', param: {} });
      assert.deepEqual(lines, [
        'resync: app00003 sent MEASUREMENT without HELLO; adopted state start-measure',
        'resync: app00004 sent ADJUSTMENT without HELLO; adopted state in-adjust',
        'resync: app00005 sent WHATS_NEXT without HELLO; adopted state hello-received',
      ]);
      // Sequence rules still hold once adopted.
      assert.equal((await client.send(3, adjustment(10))).status, 400);
      assert.equal(JSON.parse((await client.get('/')).text).n, 3);
    } finally {
      await target.close();
    }
  });
});

describe('servo-fleet --state-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-servo-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('round trip: states written on close are restored on start', async () => {
    const file = join(dir, 'fleet.json');
    const first = await startServoFleet({ apps: 20, stateFile: file, log: () => {} });
    const client = new Client(first.url);
    await client.walk(0, [hello, whatsNext, description, whatsNext, measurement(10), measurement(), whatsNext, adjustment(70)]);
    await client.walk(7, [hello]);
    await client.walk(9, [hello, goodbye]);
    const before = [0, 7, 9].map((app) => first.fleet.snapshotOf(app));
    await first.close();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.format, 'salvo-servo-fleet/1');
    assert.deepEqual(Object.keys(saved.apps), ['app00000', 'app00007', 'app00009']);

    const lines: string[] = [];
    const second = await startServoFleet({ apps: 20, stateFile: file, log: (line) => lines.push(line) });
    try {
      assert.deepEqual(
        [0, 7, 9].map((app) => second.fleet.snapshotOf(app)),
        before,
      );
      assert.deepEqual(lines, [`restored 3 application state(s) from ${file}`]);
      const again = new Client(second.url);
      assert.equal((await again.send(0, adjustment(69))).status, 400, 'progress survives the restart');
      assert.equal((await again.send(0, adjustment())).status, 200);
      assert.deepEqual((await again.send(7, whatsNext)).body.cmd, 'DESCRIBE', 'pending command survives');
      assert.equal((await again.send(9, hello)).status, 200);
      assert.deepEqual(JSON.parse((await again.get('/')).text), { n: 3, average: 1 / 3, min: 0, max: 1 });
    } finally {
      await second.close();
    }
  });

  test('a missing file is a fresh start', async () => {
    const target = await startServoFleet({ apps: 5, stateFile: join(dir, 'absent.json'), log: () => {} });
    assert.equal(target.fleet.statistics().n, 0);
    await target.close();
  });

  test('a corrupt file is refused with a reason, before listening', async () => {
    const cases: [string, RegExp][] = [
      ['{not json', /not JSON/],
      ['{"format": "other", "apps": {}}', /not a salvo-servo-fleet\/1 snapshot/],
      [
        '{"format": "salvo-servo-fleet/1", "apps": {"app00099": {"state": "initial", "pending": null, "progress": null, "cycles": 0}}}',
        /app00099 is not an application of a fleet of 5/,
      ],
      ['{"format": "salvo-servo-fleet/1", "apps": {"app00001": {"state": "sleeping", "pending": null, "progress": null, "cycles": 0}}}', /app00001: bad entry/],
      [
        '{"format": "salvo-servo-fleet/1", "apps": {"app00001": {"state": "in-measure", "pending": null, "progress": 1.5, "cycles": 0}}}',
        /app00001: bad entry/,
      ],
    ];
    for (const [text, why] of cases) {
      const file = join(dir, 'corrupt.json');
      writeFileSync(file, text);
      await assert.rejects(startServoFleet({ apps: 5, stateFile: file, strict: true, log: () => {} }), (error: Error) => {
        assert.ok(error instanceof SnapshotError, error.message);
        assert.match(error.message, why);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    }
  });
});
