import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Socket, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Http1Pool, type Http1PoolOptions } from '../../../src/protocols/http1/pool.js';
import { buildRequest } from '../../../src/protocols/http1/request.js';
import type { ExchangeListener } from '../../../src/protocols/transport.js';
import type { ErrorCause } from '../../../src/metrics/causes.js';
import { systemClock } from '../../../src/time/clock.js';

const HOST = '127.0.0.1';
const TEST_TIMEOUT = { timeout: 3000 };

interface Sent {
  intendedUs: number;
  sentUs: number;
}
interface Answered extends Sent {
  doneUs: number;
  status: number;
}
interface Failed extends Sent {
  doneUs: number;
  cause: ErrorCause;
}

/** A listener that records every event, in order. */
class Recorder implements ExchangeListener {
  readonly sent: Sent[] = [];
  readonly responses: Answered[] = [];
  readonly failures: Failed[] = [];
  slotsFreed = 0;

  onSent(intendedUs: number, sentUs: number): void {
    this.sent.push({ intendedUs, sentUs });
  }
  onResponse(intendedUs: number, sentUs: number, doneUs: number, status: number): void {
    this.responses.push({ intendedUs, sentUs, doneUs, status });
  }
  onFailure(intendedUs: number, sentUs: number, doneUs: number, cause: ErrorCause): void {
    this.failures.push({ intendedUs, sentUs, doneUs, cause });
  }
  onSlotFree(): void {
    this.slotsFreed++;
  }

  /** Resolves once `done()` holds; fails the test (showing what was recorded) after `ms`. */
  async until(done: () => boolean, what: string, ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) {
        assert.fail(`timed out waiting for ${what}; responses ${JSON.stringify(this.responses)}, failures ${JSON.stringify(this.failures)}`);
      }
      await sleep(2);
    }
  }

  statuses(): number[] {
    return this.responses.map((response) => response.status);
  }
  causes(): ErrorCause[] {
    return this.failures.map((failure) => failure.cause);
  }
}

/** A raw TCP server: `onRequest` runs for each complete (bodiless) request head a connection receives. */
interface RawServer {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Request heads received so far, over all connections. */
  requests: number;
  /** Connections currently open on the server side. */
  open: number;
  /** Every byte received, over all connections, as latin1. */
  received: string;
  close(): Promise<void>;
}

type OnRequest = (socket: Socket, index: number, connection: number) => void;

async function rawServer(onRequest: OnRequest): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state: RawServer = {
    port: 0,
    connections: 0,
    requests: 0,
    open: 0,
    received: '',
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    const connection = state.connections++;
    state.open++;
    sockets.add(socket);
    socket.on('close', () => {
      state.open--;
      sockets.delete(socket);
    });
    socket.on('error', () => {});
    let pending = '';
    let index = 0;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      state.received += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        pending = pending.slice(end + 4);
        state.requests++;
        onRequest(socket, index++, connection);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  state.port = address.port;
  return state;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

function ok(status = 200, body = 'ok', extra = ''): string {
  return `HTTP/1.1 ${status} X\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;
}

function pool(port: number, listener: Recorder, options: Partial<Http1PoolOptions> = {}): Http1Pool {
  return new Http1Pool({
    host: HOST,
    port,
    request: buildRequest({ url: `http://${HOST}:${port}/hello?x=1`, method: 'GET', headers: [] }, undefined),
    headRequests: false,
    pipelining: 1,
    maxConnections: 1,
    clock: systemClock,
    listener,
    ...options,
  });
}

/** Runs `body` with a server and a pool, closing both however it ends. */
async function withPool(
  onRequest: OnRequest,
  options: Partial<Http1PoolOptions>,
  body: (context: { server: RawServer; pool: Http1Pool; events: Recorder }) => Promise<void>,
): Promise<void> {
  const server = await rawServer(onRequest);
  const events = new Recorder();
  const transport = pool(server.port, events, options);
  try {
    await body({ server, pool: transport, events });
  } finally {
    transport.close();
    await server.close();
  }
}

describe('Http1Pool', () => {
  test('a request gets its status and its intended and sent times back', TEST_TIMEOUT, async () => {
    const server = await rawServer((socket) => socket.write(ok(201, 'created')));
    const events = new Recorder();
    const transport = pool(server.port, events);
    try {
      const intendedUs = systemClock.nowUs() - 500;
      assert.equal(transport.trySend(intendedUs), true);
      assert.equal(transport.inFlight(), 1);
      assert.equal(events.sent.length, 1);
      const sent = events.sent[0]!;
      assert.equal(sent.intendedUs, intendedUs);
      assert.ok(sent.sentUs >= intendedUs + 500, `sentUs ${sent.sentUs} before intendedUs ${intendedUs} + 500`);
      await events.until(() => events.responses.length === 1, 'the response');
      const response = events.responses[0]!;
      assert.equal(response.intendedUs, intendedUs);
      assert.equal(response.sentUs, sent.sentUs);
      assert.equal(response.status, 201);
      assert.ok(response.doneUs >= response.sentUs && response.doneUs <= systemClock.nowUs());
      assert.deepEqual(events.failures, []);
      assert.equal(transport.inFlight(), 0);
      assert.ok(events.slotsFreed >= 1);
      assert.equal(server.connections, 1);
      assert.equal(server.requests, 1);
    } finally {
      transport.close();
      await server.close();
    }
  });

  test('the request bytes reach the server exactly, once per send', TEST_TIMEOUT, async () => {
    const request = Buffer.from('GET /exact?q=1 HTTP/1.1\r\nHost: example\r\nX-Test: 1\r\n\r\n', 'latin1');
    await withPool(
      (socket) => socket.write(ok()),
      { request },
      async ({ server, pool: transport, events }) => {
        assert.equal(transport.trySend(1), true);
        await events.until(() => events.responses.length === 1, 'the first response');
        assert.equal(transport.trySend(2), true);
        await events.until(() => events.responses.length === 2, 'the second response');
        assert.equal(server.received, request.toString('latin1').repeat(2));
      },
    );
  });

  test('maxConnections bounds the sockets: trySend is false once all are busy', TEST_TIMEOUT, async () => {
    const held: Socket[] = [];
    let answerAtOnce = false;
    await withPool(
      (socket) => {
        if (answerAtOnce) socket.write(ok(200));
        else held.push(socket);
      },
      { maxConnections: 3 },
      async ({ server, pool: transport, events }) => {
        assert.equal(transport.trySend(1), true);
        assert.equal(transport.trySend(2), true);
        assert.equal(transport.trySend(3), true);
        assert.equal(transport.trySend(4), false);
        assert.equal(transport.inFlight(), 3);
        assert.deepEqual(
          events.sent.map((sent) => sent.intendedUs),
          [1, 2, 3],
        );
        await events.until(() => held.length === 3, 'three held requests');
        assert.equal(server.connections, 3);
        assert.equal(transport.trySend(5), false);
        answerAtOnce = true;
        for (const socket of held) socket.write(ok(200));
        await events.until(() => events.responses.length === 3, 'three responses');
        assert.deepEqual(events.responses.map((r) => r.intendedUs).sort(), [1, 2, 3]);
        assert.equal(transport.inFlight(), 0);
        // The freed slots reuse the open connections.
        assert.equal(transport.trySend(6), true);
        assert.equal(transport.trySend(7), true);
        assert.equal(transport.trySend(8), true);
        assert.equal(transport.trySend(9), false);
        await events.until(() => events.responses.length === 6, 'six responses');
        assert.equal(server.connections, 3);
        assert.equal(server.requests, 6);
        assert.deepEqual(events.failures, []);
      },
    );
  });

  test('keep-alive: 10 sequential requests over 1 connection', TEST_TIMEOUT, async () => {
    await withPool(
      (socket, index) => socket.write(ok(400 + index, 'x'.repeat(index))),
      {},
      async ({ server, pool: transport, events }) => {
        for (let i = 0; i < 10; i++) {
          assert.equal(transport.trySend(i), true, `send ${i}`);
          assert.equal(transport.trySend(100 + i), false, `second send ${i} while busy`);
          await events.until(() => events.responses.length === i + 1, `response ${i}`);
        }
        assert.deepEqual(events.statuses(), [400, 401, 402, 403, 404, 405, 406, 407, 408, 409]);
        assert.deepEqual(
          events.responses.map((r) => r.intendedUs),
          [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        );
        assert.equal(server.connections, 1);
        assert.equal(server.requests, 10);
        assert.deepEqual(events.failures, []);
      },
    );
  });

  test('pipelining: 4 requests on one connection are answered in order', TEST_TIMEOUT, async () => {
    const waiting: Socket[] = [];
    await withPool(
      (socket) => {
        waiting.push(socket);
        if (waiting.length === 4) {
          // All four arrived before any answer: answer them in one write, mixed framings.
          socket.write(`${ok(200, 'a')}HTTP/1.1 201 X\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nbb\r\n0\r\n\r\n${ok(202, '')}${ok(503, 'dddd')}`);
        }
      },
      { pipelining: 4 },
      async ({ server, pool: transport, events }) => {
        for (let i = 1; i <= 4; i++) assert.equal(transport.trySend(i * 10), true, `send ${i}`);
        assert.equal(transport.trySend(50), false);
        assert.equal(transport.inFlight(), 4);
        await events.until(() => events.responses.length === 4, 'four responses');
        assert.deepEqual(
          events.responses.map((r) => [r.intendedUs, r.status]),
          [
            [10, 200],
            [20, 201],
            [30, 202],
            [40, 503],
          ],
        );
        assert.deepEqual(
          events.responses.map((r) => r.sentUs),
          events.sent.map((s) => s.sentUs),
        );
        assert.equal(server.connections, 1);
        assert.equal(transport.inFlight(), 0);
        assert.deepEqual(events.failures, []);
      },
    );
  });

  test('pipelining: the requests sent while one read ends several replies leave in one write', TEST_TIMEOUT, async () => {
    // Whether node wrote them one by one or gathered, the server may read them together: count the writes at the socket.
    const writes: number[] = [];
    const { _write: plainWrite, _writev: plainWritev } = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
    const spied = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
    spied._write = function (this: Socket, ...args: unknown[]) {
      writes.push(1);
      plainWrite.apply(this, args);
    };
    spied._writev = function (this: Socket, ...args: unknown[]) {
      writes.push((args[0] as unknown[]).length);
      plainWritev.apply(this, args);
    };
    const waiting: Socket[] = [];
    try {
      await withPool(
        (socket) => {
          waiting.push(socket);
          if (waiting.length === 4) socket.write(ok(200, 'a').repeat(4));
        },
        { pipelining: 4 },
        async ({ pool: transport, events }) => {
          // As the max-throughput executor does: each freed slot takes the next request at once.
          let next = 5;
          events.onSlotFree = () => {
            if (next <= 8) transport.trySend(next++ * 10);
          };
          for (let i = 1; i <= 4; i++) transport.trySend(i * 10);
          await events.until(() => events.sent.length === 8, 'four more requests');
          assert.deepEqual(writes.slice(-1), [4], `writes (requests in each): ${JSON.stringify(writes)}`);
        },
      );
    } finally {
      spied._write = plainWrite;
      spied._writev = plainWritev;
    }
  });

  test('pipelining: responses split across many small writes', TEST_TIMEOUT, async () => {
    let outgoing = '';
    await withPool(
      (socket, index) => {
        // Dribble the responses out, in order, a few bytes per write.
        const start = outgoing.length === 0;
        outgoing += ok(200 + index, 'z'.repeat(index * 3), `X-Index: ${index}\r\n`);
        const step = (): void => {
          if (outgoing.length === 0 || socket.destroyed) return;
          socket.write(outgoing.slice(0, 5));
          outgoing = outgoing.slice(5);
          setTimeout(step, 1);
        };
        if (start) step();
      },
      { pipelining: 3 },
      async ({ server, pool: transport, events }) => {
        for (let i = 0; i < 3; i++) assert.equal(transport.trySend(i), true);
        await events.until(() => events.responses.length === 3, 'three responses');
        assert.deepEqual(
          events.responses.map((r) => [r.intendedUs, r.status]),
          [
            [0, 200],
            [1, 201],
            [2, 202],
          ],
        );
        assert.equal(server.connections, 1);
        assert.deepEqual(events.failures, []);
      },
    );
  });

  test('"Connection: close" responses make the pool reconnect and still succeed', TEST_TIMEOUT, async () => {
    await withPool(
      (socket) => socket.end(ok(200, 'bye', 'Connection: close\r\n')),
      {},
      async ({ server, pool: transport, events }) => {
        for (let i = 0; i < 3; i++) {
          assert.equal(transport.trySend(i), true, `send ${i}`);
          await events.until(() => events.responses.length === i + 1, `response ${i}`);
        }
        assert.deepEqual(events.statuses(), [200, 200, 200]);
        assert.deepEqual(events.failures, []);
        assert.equal(server.connections, 3);
        assert.equal(transport.inFlight(), 0);
      },
    );
  });

  test('"Connection: close" and HTTP/1.0 responses: the pool closes the connection itself', TEST_TIMEOUT, async () => {
    await withPool(
      // The server leaves every connection open: only the pool can close it.
      (socket, _index, connection) =>
        socket.write(connection === 1 ? 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok' : ok(200 + connection, 'bye', 'Connection: close\r\n')),
      {},
      async ({ server, pool: transport, events }) => {
        for (let i = 0; i < 3; i++) {
          assert.equal(transport.trySend(i), true, `send ${i}`);
          await events.until(() => events.responses.length === i + 1, `response ${i}`);
        }
        assert.deepEqual(events.statuses(), [200, 200, 202]);
        assert.equal(events.failures.length, 0);
        assert.equal(server.connections, 3);
        await events.until(() => server.open === 0, 'the pool to close every connection');
      },
    );
  });

  test('a close-delimited response is complete when the server closes', TEST_TIMEOUT, async () => {
    await withPool(
      (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'),
      {},
      async ({ server, pool: transport, events }) => {
        assert.equal(transport.trySend(7), true);
        await events.until(() => events.responses.length === 1, 'the response');
        await sleep(20);
        assert.deepEqual(events.statuses(), [200]);
        assert.equal(events.responses[0]!.intendedUs, 7);
        assert.deepEqual(events.failures, []);
        assert.equal(transport.trySend(8), true);
        await events.until(() => events.responses.length === 2, 'the second response');
        assert.equal(server.connections, 2);
      },
    );
  });

  test('close-delimited responses with a listener that sends again from onSlotFree (as the executors do)', {
    ...TEST_TIMEOUT,
  }, async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the end'));
    const events = new Recorder();
    let transport: Http1Pool | undefined;
    let next = 1;
    // An executor-like listener: every freed slot is used at once, up to 5 requests.
    events.onSlotFree = function (this: Recorder) {
      this.slotsFreed++;
      while (next <= 5 && transport!.trySend(next)) next++;
    };
    transport = pool(server.port, events);
    try {
      assert.equal(transport.trySend(0), true);
      await events.until(() => events.responses.length + events.failures.length >= 6, 'six outcomes');
      await sleep(20);
      assert.deepEqual(events.causes(), []);
      assert.deepEqual(
        events.responses.map((r) => [r.intendedUs, r.status]),
        [0, 1, 2, 3, 4, 5].map((i) => [i, 200]),
      );
    } finally {
      transport.close();
      await server.close();
    }
  });

  test('a reset connection fails with cause "reset"', TEST_TIMEOUT, async () => {
    await withPool(
      (socket) => socket.resetAndDestroy(),
      {},
      async ({ pool: transport, events }) => {
        assert.equal(transport.trySend(11), true);
        await events.until(() => events.failures.length === 1, 'the failure');
        await sleep(20);
        assert.deepEqual(events.causes(), ['reset']);
        assert.equal(events.failures[0]!.intendedUs, 11);
        assert.equal(events.failures[0]!.sentUs, events.sent[0]!.sentUs);
        assert.deepEqual(events.responses, []);
        assert.equal(transport.inFlight(), 0);
      },
    );
  });

  test('a closed port fails with cause "refused"', TEST_TIMEOUT, async () => {
    const events = new Recorder();
    const transport = pool(await closedPort(), events);
    try {
      assert.equal(transport.trySend(12), true);
      await events.until(() => events.failures.length === 1, 'the failure');
      await sleep(20);
      assert.deepEqual(events.causes(), ['refused']);
      assert.equal(events.failures[0]!.intendedUs, 12);
      assert.deepEqual(events.responses, []);
      assert.equal(transport.inFlight(), 0);
      // The slot is free again and the next attempt is refused too.
      assert.equal(transport.trySend(13), true);
      await events.until(() => events.failures.length === 2, 'the second failure');
      assert.deepEqual(events.causes(), ['refused', 'refused']);
    } finally {
      transport.close();
    }
  });

  test('a server that never answers: expire() fails it as "timeout" and frees the slot', TEST_TIMEOUT, async () => {
    await withPool(
      () => {},
      {},
      async ({ server, pool: transport, events }) => {
        assert.equal(transport.trySend(21), true);
        await events.until(() => server.requests === 1, 'the request to arrive');
        assert.equal(transport.trySend(22), false);
        const sentUs = events.sent[0]!.sentUs;
        transport.expire(sentUs); // sent at, not before: not expired
        assert.equal(events.failures.length, 0);
        assert.equal(transport.inFlight(), 1);
        const freedBefore = events.slotsFreed;
        const nowUs = systemClock.nowUs();
        transport.expire(nowUs + 1);
        assert.deepEqual(events.causes(), ['timeout']);
        assert.equal(events.failures[0]!.intendedUs, 21);
        assert.equal(events.failures[0]!.sentUs, sentUs);
        assert.ok(events.failures[0]!.doneUs >= nowUs);
        assert.equal(transport.inFlight(), 0);
        assert.ok(events.slotsFreed > freedBefore, 'onSlotFree after the timeout');
        // The timed-out connection is closed, and the slot takes a new request on a new connection.
        await events.until(() => server.open === 0, 'the server to see the close');
        assert.equal(transport.trySend(23), true);
        await events.until(() => server.requests === 2, 'the second request to arrive');
        assert.equal(server.connections, 2);
        await sleep(20);
        assert.deepEqual(events.causes(), ['timeout']);
        assert.deepEqual(events.responses, []);
      },
    );
  });

  test('expire() fails everything pipelined behind the oldest request', TEST_TIMEOUT, async () => {
    await withPool(
      () => {},
      { pipelining: 3 },
      async ({ server, pool: transport, events }) => {
        for (let i = 1; i <= 3; i++) assert.equal(transport.trySend(i), true);
        await events.until(() => server.requests === 3, 'three requests to arrive');
        transport.expire(systemClock.nowUs() + 1);
        assert.deepEqual(
          events.failures.map((f) => [f.intendedUs, f.cause]),
          [
            [1, 'timeout'],
            [2, 'timeout'],
            [3, 'timeout'],
          ],
        );
        assert.equal(transport.inFlight(), 0);
      },
    );
  });

  test('half a response then end(): cause "closed"', TEST_TIMEOUT, async () => {
    await withPool(
      (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'),
      {},
      async ({ pool: transport, events }) => {
        assert.equal(transport.trySend(31), true);
        await events.until(() => events.failures.length === 1, 'the failure');
        await sleep(20);
        assert.deepEqual(events.causes(), ['closed']);
        assert.equal(events.failures[0]!.intendedUs, 31);
        assert.deepEqual(events.responses, []);
        assert.equal(transport.inFlight(), 0);
      },
    );
  });

  test('half a head then end(): cause "closed"', TEST_TIMEOUT, async () => {
    await withPool(
      (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Len'),
      {},
      async ({ pool: transport, events }) => {
        assert.equal(transport.trySend(32), true);
        await events.until(() => events.failures.length === 1, 'the failure');
        await sleep(20);
        assert.deepEqual(events.causes(), ['closed']);
        assert.deepEqual(events.responses, []);
      },
    );
  });

  test('garbage from the server: cause "protocol"', TEST_TIMEOUT, async () => {
    await withPool(
      (socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n'),
      {},
      async ({ server, pool: transport, events }) => {
        assert.equal(transport.trySend(41), true);
        await events.until(() => events.failures.length === 1, 'the failure');
        await sleep(20);
        assert.deepEqual(events.causes(), ['protocol']);
        assert.equal(events.failures[0]!.intendedUs, 41);
        assert.deepEqual(events.responses, []);
        assert.equal(transport.inFlight(), 0);
        // The pool dropped that connection and opens a fresh one, with a fresh parser.
        await events.until(() => server.open === 0, 'the server to see the close');
        assert.equal(transport.trySend(42), true);
        await events.until(() => events.failures.length === 2, 'the second failure');
        assert.deepEqual(events.causes(), ['protocol', 'protocol']);
        assert.equal(server.connections, 2);
      },
    );
  });

  test('a valid response after garbage on a previous connection parses', TEST_TIMEOUT, async () => {
    await withPool(
      (socket, _index, connection) => socket.write(connection === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: zz\r\n\r\n' : ok(204, '')),
      {},
      async ({ pool: transport, events }) => {
        assert.equal(transport.trySend(1), true);
        await events.until(() => events.failures.length === 1, 'the failure');
        assert.equal(transport.trySend(2), true);
        await events.until(() => events.responses.length === 1, 'the response');
        assert.deepEqual(events.causes(), ['protocol']);
        assert.deepEqual(
          events.responses.map((r) => [r.intendedUs, r.status]),
          [[2, 204]],
        );
      },
    );
  });

  test('close() stops reporting anything', TEST_TIMEOUT, async () => {
    const held: Socket[] = [];
    await withPool(
      (socket) => held.push(socket),
      { maxConnections: 4 },
      async ({ pool: transport, events }) => {
        assert.equal(transport.trySend(1), true);
        assert.equal(transport.trySend(2), true);
        await events.until(() => held.length === 2, 'both requests to arrive');
        const freed = events.slotsFreed;
        transport.close();
        // Whatever the server does now must not surface: an answer, a reset, a close.
        held[0]!.write(ok(200));
        held[1]!.resetAndDestroy();
        await sleep(50);
        assert.equal(transport.trySend(3), false);
        transport.expire(systemClock.nowUs() + 1);
        assert.deepEqual(events.responses, []);
        assert.deepEqual(events.failures, []);
        assert.equal(events.slotsFreed, freed);
        assert.deepEqual(
          events.sent.map((s) => s.intendedUs),
          [1, 2],
        );
      },
    );
  });

  test('close() while connecting to a closed port reports nothing', TEST_TIMEOUT, async () => {
    const events = new Recorder();
    const transport = pool(await closedPort(), events);
    assert.equal(transport.trySend(1), true);
    transport.close();
    await sleep(50);
    assert.deepEqual(events.failures, []);
    assert.deepEqual(events.responses, []);
  });
});
