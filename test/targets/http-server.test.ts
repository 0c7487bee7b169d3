import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpTarget } from '../../src/targets/http-server.js';
import type { RunningTarget } from '../../src/targets/http-server.js';

const TIMING = /^app;dur=(\d+(?:\.\d{1,3})?)$/;

/** Asserts a well-formed Server-Timing header and returns its dur in ms. */
function timingOf(headers: Headers | IncomingMessage['headers']): number {
  const value = headers instanceof Headers ? headers.get('server-timing') : headers['server-timing'];
  assert.equal(typeof value, 'string', 'Server-Timing header missing');
  const match = TIMING.exec(value as string);
  assert.ok(match, `malformed Server-Timing: ${String(value)}`);
  const dur = Number(match[1]);
  assert.ok(Number.isFinite(dur) && dur >= 0, `bad dur ${match[1]}`);
  return dur;
}

interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
  socket: Socket;
  reusedSocket: boolean;
}

/** One request through node:http (lets tests control the agent/socket and stream bodies). */
function rawRequest(
  url: string,
  init: { method?: string; agent?: Agent; body?: string; beforeEnd?: (write: (chunk: string) => void) => Promise<void> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', agent: init.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          socket: req.socket as Socket,
          reusedSocket: req.reusedSocket,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.beforeEnd) {
      init.beforeEnd((chunk) => req.write(chunk)).then(() => req.end(init.body), reject);
    } else {
      req.end(init.body);
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('startHttpTarget', () => {
  let target: RunningTarget;

  before(async () => {
    target = await startHttpTarget({ port: 0 });
  });
  after(async () => {
    await target.close();
  });

  test('reports host, a real port and a matching url', () => {
    assert.equal(target.host, '127.0.0.1');
    assert.ok(Number.isInteger(target.port) && target.port > 0);
    assert.equal(target.url, `http://127.0.0.1:${target.port}`);
  });

  test('GET / answers hello', async () => {
    const res = await fetch(`${target.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), 'hello\n');
    timingOf(res.headers);
  });

  test('/ answers hello for any method and ignores the query string', async () => {
    const res = await fetch(`${target.url}/?a=b&c=d`, { method: 'POST', body: 'ignored' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello\n');
    timingOf(res.headers);
  });

  test('/echo echoes method, url, headers and a POST body', async () => {
    const payload = 'héllo wörld\n'.repeat(1000);
    const res = await fetch(`${target.url}/echo?x=1`, {
      method: 'POST',
      headers: { 'X-Custom-Thing': 'abc 123', 'Content-Type': 'text/plain' },
      body: payload,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    timingOf(res.headers);
    const echoed = (await res.json()) as { method: string; url: string; headers: Record<string, string>; body: string };
    assert.equal(echoed.method, 'POST');
    assert.equal(echoed.url, '/echo?x=1');
    assert.equal(echoed.headers['x-custom-thing'], 'abc 123');
    assert.equal(echoed.headers['content-type'], 'text/plain');
    assert.equal(echoed.body, payload);
  });

  test('/echo with no body echoes an empty string', async () => {
    const res = await fetch(`${target.url}/echo`, { method: 'PUT' });
    assert.equal(res.status, 200);
    timingOf(res.headers);
    const echoed = (await res.json()) as { method: string; body: string };
    assert.equal(echoed.method, 'PUT');
    assert.equal(echoed.body, '');
  });

  test('/delay/50 waits at least 50 ms and Server-Timing includes the wait', async () => {
    const t0 = performance.now();
    const res = await fetch(`${target.url}/delay/50`);
    const body = await res.text();
    const elapsed = performance.now() - t0;
    assert.equal(res.status, 200);
    assert.equal(body, 'ok\n');
    assert.ok(elapsed >= 50, `elapsed ${elapsed} ms`);
    const dur = timingOf(res.headers);
    assert.ok(dur >= 50, `dur ${dur} ms`);
  });

  test('/delay/0 answers ok immediately', async () => {
    const res = await fetch(`${target.url}/delay/0`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok\n');
    assert.ok(timingOf(res.headers) < 50);
  });

  test('/status/:code answers with that status', async () => {
    for (const code of [200, 201, 299, 404, 418, 500, 503, 599]) {
      const res = await fetch(`${target.url}/status/${code}?ignored=1`);
      assert.equal(res.status, code);
      assert.equal(await res.text(), `status ${code}\n`);
      timingOf(res.headers);
    }
  });

  test('/status/204 and /status/304 carry no body', async () => {
    for (const code of [204, 304]) {
      const res = await rawRequest(`${target.url}/status/${code}`);
      assert.equal(res.status, code);
      assert.equal(res.body.length, 0);
      assert.equal(res.headers['content-length'], undefined);
      timingOf(res.headers);
    }
  });

  test('/spin/30 burns at least 30 ms and reports it', async () => {
    const res = await fetch(`${target.url}/spin/30`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok\n');
    const dur = timingOf(res.headers);
    assert.ok(dur >= 30, `dur ${dur} ms`);
  });

  test('/bytes/1000 returns exactly 1000 bytes of a repeating pattern', async () => {
    const res = await fetch(`${target.url}/bytes/1000`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(res.headers.get('content-length'), '1000');
    timingOf(res.headers);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.length, 1000);
    const period = 64;
    assert.equal(new Set(body.subarray(0, period)).size, period, 'pattern block should be 64 distinct bytes');
    for (let i = period; i < body.length; i++) assert.equal(body[i], body[i - period], `byte ${i}`);
  });

  test('/bytes/0 returns an empty body', async () => {
    const res = await fetch(`${target.url}/bytes/0`);
    assert.equal(res.status, 200);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    timingOf(res.headers);
  });

  test('/bytes larger than the cached chunk is exact and keeps the pattern across chunks', async () => {
    const n = 3 * 1024 * 1024 + 123;
    const res = await fetch(`${target.url}/bytes/${n}`);
    assert.equal(res.status, 200);
    timingOf(res.headers);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.length, n);
    const first = body.subarray(0, 64);
    for (let i = 64; i < body.length; i += 64) {
      const block = body.subarray(i, Math.min(i + 64, body.length));
      assert.ok(block.equals(first.subarray(0, block.length)), `pattern broken at ${i}`);
    }
  });

  test('bad parameters answer 400 with JSON and Server-Timing', async () => {
    const bad = [
      '/delay/abc',
      '/delay/-1',
      '/delay/1.5',
      '/delay/',
      '/delay/600001',
      '/delay/50/extra',
      '/status/99',
      '/status/100',
      '/status/199',
      '/status/600',
      '/status/abc',
      '/spin/60001',
      '/spin/x',
      '/bytes/104857601',
      '/bytes/1e3',
      '/bytes/99999999999999',
    ];
    for (const path of bad) {
      const res = await fetch(`${target.url}${path}`);
      assert.equal(res.status, 400, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, path);
      timingOf(res.headers);
      const body = (await res.json()) as { error?: unknown };
      assert.equal(typeof body.error, 'string', path);
    }
  });

  test('the largest allowed values are accepted at the boundary', async () => {
    // Only cheap ones: a 100 MiB body or a 60 s spin is not worth it here, HEAD skips the body.
    const res = await rawRequest(`${target.url}/bytes/${100 * 1024 * 1024}`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(100 * 1024 * 1024));
    assert.equal(res.body.length, 0);
    timingOf(res.headers);
  });

  test('unknown routes answer 404 JSON', async () => {
    for (const path of ['/nope', '/echo/extra', '/hello', '/delay']) {
      const res = await fetch(`${target.url}${path}?q=1`);
      assert.equal(res.status, 404, path);
      timingOf(res.headers);
      const body = (await res.json()) as { error: string };
      assert.match(body.error, /^no route/, path);
      assert.ok(body.error.includes(path), body.error);
    }
  });

  test('answers only after the whole request body has arrived', async () => {
    for (const path of ['/', '/status/201', '/nope', '/delay/0', '/echo']) {
      let bodyEnded = false;
      const res = await rawRequest(`${target.url}${path}`, {
        method: 'POST',
        body: 'tail',
        beforeEnd: async (write) => {
          write('head-');
          await sleep(40);
          bodyEnded = true;
        },
      });
      assert.ok(bodyEnded, `${path} answered before the request body was complete`);
      timingOf(res.headers);
    }
  });

  test('keep-alive: requests with bodies reuse one connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await rawRequest(`${target.url}/`, { method: 'POST', agent, body: 'x'.repeat(10_000) });
      assert.equal(first.status, 200);
      for (const path of ['/status/201', '/delay/1', '/nope', '/echo', '/bytes/10', '/spin/0']) {
        const res = await rawRequest(`${target.url}${path}`, { method: 'POST', agent, body: 'y'.repeat(5000) });
        assert.ok(res.reusedSocket, `${path} did not reuse the connection`);
        assert.equal(res.socket, first.socket, path);
        timingOf(res.headers);
      }
    } finally {
      agent.destroy();
    }
  });
});

describe('startHttpTarget close()', () => {
  test('resolves while an idle keep-alive connection is open', async () => {
    const target = await startHttpTarget();
    const agent = new Agent({ keepAlive: true });
    try {
      const res = await rawRequest(`${target.url}/`, { agent });
      assert.equal(res.status, 200);
      assert.ok(!res.socket.destroyed, 'client socket should still be open (keep-alive)');
      const socketClosed = new Promise<void>((resolve) => res.socket.once('close', () => resolve()));
      await withTimeout(target.close(), 2000, 'close()');
      await withTimeout(socketClosed, 2000, 'keep-alive socket close');
    } finally {
      agent.destroy();
    }
  });

  test('resolves while a fetch keep-alive connection is open and refuses new connections', async () => {
    const target = await startHttpTarget();
    const res = await fetch(`${target.url}/`);
    assert.equal(await res.text(), 'hello\n');
    await withTimeout(target.close(), 2000, 'close()');
    await assert.rejects(rawRequest(`${target.url}/`));
  });

  test('resolves promptly even with a request in flight', async () => {
    const target = await startHttpTarget();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await rawRequest(`${target.url}/`, { agent }); // connection established
      const inFlight = rawRequest(`${target.url}/delay/10000`, { agent });
      inFlight.catch(() => {}); // expected to fail with a reset
      await sleep(20);
      const t0 = performance.now();
      await withTimeout(target.close(), 2000, 'close()');
      assert.ok(performance.now() - t0 < 2000);
      await assert.rejects(inFlight);
    } finally {
      agent.destroy();
    }
  });

  test('is idempotent', async () => {
    const target = await startHttpTarget();
    await Promise.all([target.close(), target.close()]);
    await target.close();
  });
});
