// Built-in gRPC load target: salvo.worker.Worker/Spin (proto/worker.proto) keeps the CPU busy for the
// requested ms and answers with the service time, also sent as the trailer `server-timing: app;dur=<ms>`.
//
// Served on node:http2 directly rather than through @grpc/grpc-js: a unary gRPC call is one HTTP/2
// stream (headers, one framed message, trailers), so the server stays short, and at ms=0 it answers
// about twice the calls per CPU-second of a minimal grpc-js server (29k vs 15k measured), so a
// max-throughput run measures the generator rather than the target. grpc-js and grpcio clients are checked against it in the tests.

import { createServer, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { frameMessage, loadMethod, unframeMessage } from '../protocols/grpc/index.js';
import type { RunningTarget } from './http-server.js';
import { closeOnce, listen, targetUrl } from './listen.js';
import { MAX_SPIN_MS, serverTimingOf, spin } from './service-time.js';
import { SpinPool } from './spin-pool.js';

/** The worker's .proto, shipped in the package beside dist/. */
export const WORKER_PROTO = fileURLToPath(new URL('../../../proto/worker.proto', import.meta.url));
export const WORKER_CALL = 'salvo.worker.Worker/Spin';

export interface GrpcWorkerOptions {
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Port to bind; 0 picks a free port. Default 0. */
  port?: number;
  /**
   * Spin on this many worker threads, one call at a time each, calls waiting in order for a free one:
   * a local stand-in for a service scaled to N instances. Without it calls spin on the thread that
   * serves them. The service time is then the spin's own, without the wait.
   */
  replicas?: number;
  /** Send the service time in the trailer `server-timing` too, not only in the reply. Default true. */
  serverTiming?: boolean;
}

const STATUS = { ok: '0', invalidArgument: '3', unimplemented: '12', internal: '13' } as const;
const RESPONSE_HEADERS = Object.freeze({ ':status': 200, 'content-type': 'application/grpc', 'grpc-accept-encoding': 'identity' });
const WAIT_FOR_TRAILERS = Object.freeze({ waitForTrailers: true });
const OK_TRAILERS = Object.freeze({ 'grpc-status': STATUS.ok });

export async function startGrpcWorker(options: GrpcWorkerOptions = {}): Promise<RunningTarget> {
  const host = options.host ?? '127.0.0.1';
  const method = loadMethod(WORKER_PROTO, WORKER_CALL);
  const { requestType, responseType } = method;
  const serverTiming = options.serverTiming ?? true;
  const replicas = options.replicas === undefined ? undefined : await SpinPool.start(options.replicas);

  function answer(stream: ServerHttp2Stream, startMs: number, body: Buffer): void {
    const message = unframeMessage(body);
    if (message === undefined) return respondStatus(stream, STATUS.internal, 'the request is not one uncompressed message');
    let ms: number;
    try {
      ms = (requestType.decode(message) as unknown as { ms: number }).ms;
    } catch {
      return respondStatus(stream, STATUS.internal, `the request is not a ${requestType.name}`);
    }
    if (ms > MAX_SPIN_MS) return respondStatus(stream, STATUS.invalidArgument, `ms must be at most ${MAX_SPIN_MS}`);
    if (replicas) {
      void replicas.spin(ms).then((done) => reply(stream, done.serviceMs));
      return;
    }
    spin(ms);
    // One clock reading for the reply and the trailer, so both say the same.
    reply(stream, performance.now() - startMs);
  }

  function reply(stream: ServerHttp2Stream, serviceMs: number): void {
    const reply = frameMessage(responseType.encode({ serviceMs }).finish());
    const trailers = serverTiming ? { 'grpc-status': STATUS.ok, 'server-timing': serverTimingOf(serviceMs) } : OK_TRAILERS;
    if (stream.destroyed) return; // the client gave up (its deadline) while we spun
    stream.respond(RESPONSE_HEADERS, WAIT_FOR_TRAILERS);
    stream.once('wantTrailers', () => stream.sendTrailers(trailers));
    stream.end(reply);
  }

  const server = createServer();
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', noop);
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const startMs = performance.now();
    stream.on('error', noop); // a client that resets a stream is none of the target's business
    if (headers[':path'] !== method.path) {
      stream.resume();
      return respondStatus(stream, STATUS.unimplemented, `unknown method ${String(headers[':path'])}`);
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => answer(stream, startMs, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
  const port = await listen(server, options.port ?? 0, host);
  const close = closeOnce(
    server,
    () => {
      for (const session of sessions) session.destroy();
    },
    () => replicas?.close(),
  );
  return { url: targetUrl('grpc', host, port), host, port, close };
}

/** A call that ends without a message: gRPC's "trailers-only" answer, the status in the headers. */
function respondStatus(stream: ServerHttp2Stream, status: string, message: string): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': status, 'grpc-message': encodeURIComponent(message) },
    { endStream: true },
  );
}

function noop(): void {}
