import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { constants, createSecureServer, createServer, type Http2Server, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { ErrorCause } from '../../../src/metrics/causes.js';
import { validatePlan, type PlanInput } from '../../../src/plan/index.js';
import { tcpSocketFactory } from '../../../src/protocols/http1/pool.js';
import { httpDialect } from '../../../src/protocols/http2/dialect.js';
import { encodeHeaderBlock } from '../../../src/protocols/http2/hpack.js';
import { Http2Pool } from '../../../src/protocols/http2/pool.js';
import { buildHttp2Headers } from '../../../src/protocols/http2/request.js';
import type { ExchangeListener } from '../../../src/protocols/transport.js';
import { run, startRun } from '../../../src/runner/index.js';
import { startHttpTarget } from '../../../src/targets/http-server.js';
import { selfSignedCertificate, type Certificate } from '../../../src/targets/tls.js';
import { systemClock } from '../../../src/time/clock.js';
import { scratchDir } from '../../support/scratch.js';

interface TestServer {
  url: string;
  port: number;
  /** Sessions accepted so far. */
  sessions: number;
  /** Most streams open at once on one session. */
  maxStreams: number;
  close(): Promise<void>;
}

/**
 * An h2c (or, given a certificate, h2 over TLS) server whose streams `onStream` handles; it counts sessions
 * and concurrent streams. `maxSessionMemory` (MB) is node's cap on what a session may hold, queued
 * answers included, beyond which it refuses new streams with RST_STREAM.
 */
async function h2Server(
  onStream: (stream: ServerHttp2Stream, index: number) => void,
  settings: { maxConcurrentStreams?: number } = {},
  certificate?: Certificate,
  maxSessionMemory?: number,
): Promise<TestServer> {
  const options = { settings, ...(maxSessionMemory !== undefined ? { maxSessionMemory } : {}) };
  const server: Http2Server = certificate ? (createSecureServer({ ...certificate, ...options }) as unknown as Http2Server) : createServer(options);
  const open = new Set<ServerHttp2Session>();
  const state: TestServer = {
    url: '',
    port: 0,
    sessions: 0,
    maxStreams: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of open) session.destroy();
        server.close(() => resolve());
      }),
  };
  const streamsOf = new Map<object, number>();
  let index = 0;
  server.on('session', (session: ServerHttp2Session) => {
    state.sessions++;
    open.add(session);
    streamsOf.set(session, 0);
    session.on('close', () => open.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream: ServerHttp2Stream) => {
    const session = stream.session!;
    const count = streamsOf.get(session)! + 1;
    streamsOf.set(session, count);
    state.maxStreams = Math.max(state.maxStreams, count);
    stream.on('close', () => streamsOf.set(session, streamsOf.get(session)! - 1));
    stream.on('error', () => {});
    onStream(stream, index++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `${certificate ? 'https' : 'h2c'}://127.0.0.1:${state.port}/`;
  return state;
}

function answer(stream: ServerHttp2Stream, status = 200): void {
  if (stream.destroyed || stream.closed) return;
  stream.respond({ ':status': status, 'content-length': '2' });
  stream.end('ok');
}

async function withServer<T>(server: Promise<TestServer>, body: (server: TestServer) => Promise<T>): Promise<T> {
  const started = await server;
  try {
    return await body(started);
  } finally {
    await started.close();
  }
}

const atRate = (target: PlanInput['target'], ratePerSec: number, durationMs: number, extra: Partial<PlanInput> = {}) =>
  validatePlan({ target, executor: { type: 'constant-arrival-rate', ratePerSec, durationMs }, ...extra });

describe('HTTP/2 transport', () => {
  test('streams share one connection, up to --streams at once', async () => {
    // The server holds every stream until it has seen 8 open at once, so the count does not hang on how
    // fast a busy machine lets the client open them; once it has, it answers each after 20 ms, and the run
    // is stopped after enough answers to show the connection goes on serving (9 would be a stream too many).
    const answersWanted = 40;
    let reachedEight = false;
    let answered = 0;
    const held: ServerHttp2Stream[] = [];
    let enoughAnswered: () => void = () => {};
    const enough = new Promise<void>((resolve) => (enoughAnswered = resolve));
    const answerCounted = (stream: ServerHttp2Stream): void => {
      answer(stream);
      if (++answered === answersWanted) enoughAnswered();
    };
    await withServer(
      h2Server((stream) => {
        if (reachedEight) return void setTimeout(() => answerCounted(stream), 20);
        held.push(stream);
        if (held.length < 8) return;
        reachedEight = true;
        for (const waiting of held.splice(0)) answerCounted(waiting);
      }),
      async (server) => {
        const handle = await startRun(
          validatePlan({ target: { url: server.url, streams: 8 }, executor: { type: 'max-throughput', durationMs: 10_000 }, connections: 1 }),
        );
        await Promise.race([enough, handle.result]);
        handle.stop();
        const result = await handle.result;
        assert.equal(server.sessions, 1);
        assert.equal(server.maxStreams, 8);
        assert.deepEqual(result.summary.errors, {});
        // The client may not have read the last few answers when it stops: at most one batch is still in flight.
        assert.ok(result.summary.requests.completed >= answersWanted - 8, `completed ${result.summary.requests.completed}`);
      },
    );
  });

  test('never more streams than the server allows (SETTINGS_MAX_CONCURRENT_STREAMS)', async () => {
    await withServer(
      h2Server((stream) => setTimeout(() => answer(stream), 10), { maxConcurrentStreams: 3 }),
      async (server) => {
        const result = await run(
          validatePlan({ target: { url: server.url, streams: 100 }, executor: { type: 'max-throughput', durationMs: 300 }, connections: 2 }),
        );
        assert.ok(server.maxStreams <= 3, `the server saw ${server.maxStreams} streams at once`);
        assert.deepEqual(result.summary.errors, {});
        assert.ok(result.summary.requests.completed > 20);
      },
    );
  });

  test('bucket arrivals over h2c: every request of rate × duration is sent and completes, or is dropped as a late batch', async () => {
    const target = await startHttpTarget({ h2c: true });
    try {
      const result = await run(
        validatePlan({
          target: { url: `${target.url}/` },
          executor: { type: 'bucket-rate', ratePerSec: 400, durationMs: 1000, bucketMs: 100 },
          connections: 2,
        }),
      );
      // Every request of the schedule is sent, or, when the generator is so late that a batch starts
      // after its bucket ended (a busy machine), dropped as a late batch: accounted either way, and
      // whatever was sent over the streams completes.
      const { sent, completed, droppedBy } = result.summary.requests;
      assert.equal(sent + droppedBy.lateBatch, 400, JSON.stringify(result.summary.requests));
      assert.deepEqual({ queueFull: droppedBy.queueFull, unsentAtEnd: droppedBy.unsentAtEnd }, { queueFull: 0, unsentAtEnd: 0 });
      assert.ok(sent > 0);
      assert.equal(completed, sent);
      assert.deepEqual(result.summary.errors, {});
      assert.deepEqual(result.summary.statusCodes, { '200': sent });
    } finally {
      await target.close();
    }
  });

  test('method, path, query, headers and body reach the built-in target', async () => {
    const target = await startHttpTarget({ h2c: true });
    try {
      const headers = buildHttp2Headers(
        new URL(`${target.url}/echo?x=1`),
        'POST',
        [
          ['X-Test', 'yes'],
          ['Connection', 'keep-alive'],
        ],
        Buffer.from('hi'),
        'salvo/test',
      );
      const field = (name: string): string | undefined => headers.find(([n]) => n === name)?.[1];
      assert.equal(field(':path'), '/echo?x=1');
      assert.equal(field('x-test'), 'yes');
      assert.equal(field('content-length'), '2');
      assert.equal(field('connection'), undefined, 'connection-specific headers are not sent over HTTP/2');
      const result = await run(
        validatePlan({
          target: { url: `${target.url}/status/201`, method: 'POST', body: 'hi', headers: [['X-Test', 'yes']] },
          executor: { type: 'constant-arrival-rate', ratePerSec: 40, durationMs: 250 },
        }),
      );
      assert.deepEqual(result.summary.statusCodes, { '201': 10 });
    } finally {
      await target.close();
    }
  });

  test('a stream the server resets counts as rst_stream, and the connection goes on', async () => {
    await withServer(
      h2Server((stream, index) => (index % 2 === 0 ? stream.close(constants.NGHTTP2_INTERNAL_ERROR) : answer(stream))),
      async (server) => {
        const result = await run(atRate({ url: server.url }, 40, 500, { connections: 1 }));
        assert.deepEqual(result.summary.errors, { rst_stream: 10 });
        assert.equal(result.summary.requests.completed, 10);
        assert.equal(server.sessions, 1);
      },
    );
  });

  test("streams above GOAWAY's last stream id count as goaway, and the client reconnects", async () => {
    let first: ServerHttp2Stream | undefined;
    let held: ServerHttp2Stream[] = [];
    await withServer(
      h2Server((stream, index) => {
        if (index >= 5) return answer(stream);
        // The first session: hold five streams, answer the first, then go away naming it as the last processed.
        if (index === 0) first = stream;
        held.push(stream);
        if (index === 4) {
          answer(first!);
          stream.session!.goaway(constants.NGHTTP2_NO_ERROR, first!.id);
        }
      }),
      async (server) => {
        // Buckets of 10 on one connection of 5 streams: the first five are held, the next five wait for a free stream.
        const result = await run(
          validatePlan({
            target: { url: server.url, streams: 5 },
            executor: { type: 'bucket-rate', ratePerSec: 100, durationMs: 300, bucketMs: 100 },
            connections: 1,
          }),
        );
        assert.deepEqual(result.summary.errors, { goaway: 4 });
        assert.equal(result.summary.requests.sent, 30);
        assert.equal(result.summary.requests.completed, 26);
        assert.ok(server.sessions >= 2, 'a new connection after GOAWAY');
        held = [];
      },
    );
  });

  test('a request body larger than the flow-control windows arrives whole, on streams that share the connection window', async () => {
    const received: number[] = [];
    await withServer(
      h2Server((stream) => {
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
        stream.on('end', () => {
          received.push(bytes);
          answer(stream);
        });
      }),
      async (server) => {
        // 200 kB per request against the default 64 kB windows: the client must wait for WINDOW_UPDATEs.
        const body = 'x'.repeat(200_000);
        const result = await run(
          validatePlan({
            target: { url: server.url, method: 'POST', body, streams: 4 },
            executor: { type: 'constant-arrival-rate', ratePerSec: 40, durationMs: 250 },
            connections: 1,
          }),
        );
        assert.deepEqual(result.summary.errors, {});
        assert.deepEqual(result.summary.statusCodes, { '200': 10 });
        assert.deepEqual(received, Array(10).fill(200_000));
      },
    );
  });

  test('a response larger than the receive windows completes: the client tops them up', async () => {
    const big = Buffer.alloc(40 * 1024 * 1024, 1);
    // The first answer may still be queued at the server when the second request comes (a busy machine
    // reads it slowly): node's default 10 MB session memory would refuse that stream with RST_STREAM.
    const roomForTwoAnswersMb = 128;
    await withServer(
      h2Server(
        (stream) => {
          stream.respond({ ':status': 200 });
          stream.end(big);
        },
        {},
        undefined,
        roomForTwoAnswersMb,
      ),
      async (server) => {
        const result = await run(
          validatePlan({
            target: { url: server.url },
            executor: { type: 'constant-arrival-rate', ratePerSec: 4, durationMs: 500 },
            connections: 1,
            timeoutMs: 10_000,
          }),
        );
        assert.deepEqual(result.summary.errors, {});
        assert.deepEqual(result.summary.statusCodes, { '200': 2 });
      },
    );
  });

  test('padding, CONTINUATION frames and trailers are read through to the end of the stream', async () => {
    const server = createServer({ paddingStrategy: constants.PADDING_STRATEGY_MAX });
    server.on('stream', (stream: ServerHttp2Stream) => {
      stream.on('error', () => {});
      // A 40 kB header does not fit one frame: nghttp2 sends HEADERS and CONTINUATION frames.
      stream.respond({ ':status': 203, 'x-big': 'b'.repeat(40_000) }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-trailer': 'done' }));
      stream.end('body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await run(atRate({ url: `h2c://127.0.0.1:${port}/` }, 40, 250, { connections: 1 }));
      assert.deepEqual(result.summary.errors, {});
      assert.deepEqual(result.summary.statusCodes, { '203': 10 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('a timed-out stream is cancelled alone: the connection serves the next ones', async () => {
    await withServer(
      h2Server((stream, index) => (index === 0 ? undefined : answer(stream))),
      async (server) => {
        const result = await run(atRate({ url: server.url, streams: 4 }, 40, 500, { connections: 1, timeoutMs: 100 }));
        assert.deepEqual(result.summary.errors, { timeout: 1 });
        assert.equal(result.summary.requests.completed, 19);
        assert.equal(server.sessions, 1);
      },
    );
  });

  test('setMaxConnections lowers the sessions in use', async () => {
    await withServer(
      h2Server((stream) => setTimeout(() => answer(stream), 30)),
      async (server) => {
        const events: (ErrorCause | number)[] = [];
        const listener: ExchangeListener = {
          onSent: () => {},
          onResponse: (_i, _s, _d, status) => events.push(status),
          onFailure: (_i, _s, _d, cause) => events.push(cause),
          onSlotFree: () => {},
        };
        const url = new URL(server.url);
        const pool = new Http2Pool({
          connect: tcpSocketFactory('127.0.0.1', server.port),
          dialect: httpDialect(encodeHeaderBlock(buildHttp2Headers(url, 'GET', [], undefined, 'salvo/test')), undefined),
          streams: 1,
          maxConnections: 2,
          clock: systemClock,
          listener,
        });
        try {
          assert.equal(pool.trySend(0), true);
          assert.equal(pool.trySend(0), true);
          assert.equal(pool.trySend(0), false, 'two sessions of one stream each are busy');
          pool.setMaxConnections(1);
          while (pool.inFlight() > 0) await sleep(5);
          assert.deepEqual(events, [200, 200], 'busy sessions finish their streams first');
          assert.equal(pool.trySend(0), true);
          assert.equal(pool.trySend(0), false, 'one session is left');
          while (pool.inFlight() > 0) await sleep(5);
          assert.equal(server.sessions, 2);
        } finally {
          pool.close();
        }
      },
    );
  });
});

describe('HTTP/2 over TLS (https:// with http2, ALPN h2)', () => {
  let certificate: Certificate;
  let server: TestServer;
  let caFile: string;
  before(async () => {
    certificate = await selfSignedCertificate();
    server = await h2Server((stream) => answer(stream, 202), {}, certificate);
    caFile = join(scratchDir('salvo-h2-'), 'ca.pem');
    writeFileSync(caFile, certificate.cert);
  });
  after(() => server.close());

  test('insecure accepts a self-signed certificate', async () => {
    const result = await run(atRate({ url: server.url, http2: true, insecure: true }, 40, 250));
    assert.deepEqual(result.summary.errors, {});
    assert.deepEqual(result.summary.statusCodes, { '202': 10 });
  });

  test('without insecure or a CA, the certificate counts as tls', async () => {
    const result = await run(atRate({ url: server.url, http2: true }, 40, 250));
    assert.deepEqual(result.summary.errors, { tls: 10 });
  });

  test('caFile trusts it', async () => {
    const result = await run(atRate({ url: server.url, http2: true, caFile }, 40, 250));
    assert.deepEqual(result.summary.statusCodes, { '202': 10 });
  });

  test('streams need HTTP/2: on https:// without http2 they are a validation error', () => {
    assert.throws(() => validatePlan({ target: { url: server.url, streams: 4 }, executor: { type: 'max-throughput', durationMs: 100 } }), /streams/);
    assert.throws(() => validatePlan({ target: { url: 'http://127.0.0.1/', http2: true }, executor: { type: 'max-throughput', durationMs: 100 } }), /http2/);
  });
});
