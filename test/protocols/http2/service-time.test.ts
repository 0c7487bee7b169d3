import assert from 'node:assert/strict';
import { constants, createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import type { ErrorCause } from '../../../src/metrics/causes.js';
import { frameMessage, grpcDialect, loadMethod, messageSource, replyServiceReader } from '../../../src/protocols/grpc/index.js';
import { tcpSocketFactory } from '../../../src/protocols/http1/pool.js';
import { httpDialect, type StreamDialect } from '../../../src/protocols/http2/dialect.js';
import { encodeHeaderBlock } from '../../../src/protocols/http2/hpack.js';
import { Http2Pool } from '../../../src/protocols/http2/pool.js';
import { buildHttp2Headers } from '../../../src/protocols/http2/request.js';
import { SCANNED_BODY_BYTES, type Http2Session } from '../../../src/protocols/http2/session.js';
import { NO_SERVICE_TIME } from '../../../src/protocols/server-timing.js';
import { startGrpcWorker, WORKER_CALL, WORKER_PROTO } from '../../../src/targets/grpc-worker.js';
import { startHttpTarget, type RunningTarget } from '../../../src/targets/http-server.js';
import { systemClock } from '../../../src/time/clock.js';

/** The service time each stream ended with, as the session hands it to the pool. */
class RecordingPool extends Http2Pool {
  readonly serviceUs: number[] = [];

  override streamEnded(session: Http2Session, intendedUs: number, sentUs: number, status: number, cause: ErrorCause | undefined, serviceUs: number): void {
    assert.equal(cause, undefined);
    this.serviceUs.push(serviceUs);
    super.streamEnded(session, intendedUs, sentUs, status, cause, serviceUs);
  }
}

/** Sends `calls` requests one after another and returns the service time of each. */
async function serviceTimes(target: RunningTarget, dialect: StreamDialect, calls: number): Promise<number[]> {
  const listener = { onSent: () => {}, onResponse: () => {}, onFailure: () => {}, onSlotFree: () => {} };
  const pool = new RecordingPool({ connect: tcpSocketFactory(target.host, target.port), dialect, streams: 1, maxConnections: 1, clock: systemClock, listener });
  try {
    for (let i = 0; i < calls; i++) {
      while (!pool.trySend(0)) await nextTurn();
      while (pool.inFlight() > 0) await nextTurn();
    }
    return pool.serviceUs;
  } finally {
    pool.close();
  }
}

test('the service time comes from the server-timing trailer of a gRPC answer', async () => {
  const worker = await startGrpcWorker();
  try {
    const method = loadMethod(WORKER_PROTO, WORKER_CALL);
    const dialect = grpcDialect({
      authority: `${worker.host}:${worker.port}`,
      path: method.path,
      metadata: [],
      deadlineMs: undefined,
      nextMessage: messageSource(method.requestType, '{"ms": 5}'),
      userAgent: 'salvo/test',
    });
    // The worker spins 5 ms and reports what it measured; the second call reads the trailer's name from the HPACK table.
    for (const serviceUs of await serviceTimes(worker, dialect, 2)) assert.ok(serviceUs >= 5000 && serviceUs < 5_000_000, `${serviceUs} µs`);
  } finally {
    await worker.close();
  }
});

test('the service time comes from the Server-Timing header of an HTTP/2 answer, and is NO_SERVICE_TIME without one', async () => {
  const target = await startHttpTarget({ h2c: true });
  try {
    const spinning = httpDialect(
      encodeHeaderBlock(buildHttp2Headers(new URL(`http://${target.host}:${target.port}/spin/3`), 'GET', [], undefined, 'salvo/test')),
      undefined,
    );
    for (const serviceUs of await serviceTimes(target, spinning, 2)) assert.ok(serviceUs >= 3000 && serviceUs < 3_000_000, `${serviceUs} µs`);
  } finally {
    await target.close();
  }
  const worker = await startGrpcWorker();
  try {
    // The worker answers an unknown method trailers-only, without server-timing.
    const dialect = httpDialect(
      encodeHeaderBlock(buildHttp2Headers(new URL(`http://${worker.host}:${worker.port}/no.Such/Method`), 'GET', [], undefined, 'salvo/test')),
      undefined,
    );
    assert.deepEqual(await serviceTimes(worker, dialect, 1), [NO_SERVICE_TIME]);
  } finally {
    await worker.close();
  }
});

/** The worker's gRPC dialect for calls to `target`, reading the reply's serviceMs field. */
function workerDialect(target: RunningTarget, data: string): StreamDialect {
  const method = loadMethod(WORKER_PROTO, WORKER_CALL);
  return grpcDialect({
    authority: `${target.host}:${target.port}`,
    path: method.path,
    metadata: [],
    deadlineMs: undefined,
    nextMessage: messageSource(method.requestType, data),
    userAgent: 'salvo/test',
    replyServiceUs: replyServiceReader(method.responseType),
  });
}

test('without a server-timing trailer, the service time comes from the reply field serviceMs', async () => {
  const worker = await startGrpcWorker({ serverTiming: false });
  try {
    for (const serviceUs of await serviceTimes(worker, workerDialect(worker, '{"ms": 4}'), 2))
      assert.ok(serviceUs >= 4000 && serviceUs < 4_000_000, `${serviceUs} µs`);
  } finally {
    await worker.close();
  }
});

/**
 * A gRPC server on node:http2 whose reply says `fieldMs` and whose trailer, when given, says
 * `trailerMs`; it pads every frame, and adds a field of `fillerBytes` the reply type does not have.
 */
async function replyingServer(fieldMs: number, trailerMs: number | undefined, fillerBytes = 0): Promise<RunningTarget> {
  // The worker's SpinReply, and a field it does not know.
  const replyType = protobuf.parse('syntax = "proto3"; message Reply { bytes filler = 2; double service_ms = 1; }').root.lookupType('Reply');
  const reply = frameMessage(replyType.encode({ filler: Buffer.alloc(fillerBytes, 1), serviceMs: fieldMs }).finish());
  const server = createServer({ paddingStrategy: constants.PADDING_STRATEGY_MAX });
  server.on('stream', (stream) => {
    stream.resume();
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () =>
        stream.sendTrailers(trailerMs === undefined ? { 'grpc-status': '0' } : { 'grpc-status': '0', 'server-timing': `app;dur=${trailerMs}` }),
      );
      stream.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `grpc://127.0.0.1:${port}`, host: '127.0.0.1', port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('the trailer counts before the reply field; a padded reply is read past its padding; a reply longer than what is kept has none', async () => {
  const cases: [fieldMs: number, trailerMs: number | undefined, fillerBytes: number, expectedUs: number][] = [
    [7, 3, 0, 3000],
    [7, undefined, 0, 7000],
    [7, undefined, SCANNED_BODY_BYTES, NO_SERVICE_TIME],
  ];
  for (const [fieldMs, trailerMs, fillerBytes, expectedUs] of cases) {
    const server = await replyingServer(fieldMs, trailerMs, fillerBytes);
    try {
      assert.deepEqual(await serviceTimes(server, workerDialect(server, '{"ms": 1}'), 2), [expectedUs, expectedUs], `${fieldMs} ${trailerMs} ${fillerBytes}`);
    } finally {
      await server.close();
    }
  }
});
