// Built-in HTTP/1.1 load target: a small, fast node:http server with a handful of
// routes useful for exercising a load generator (fixed body, echo, delay, status,
// CPU spin, sized payloads). Every response carries `Server-Timing: app;dur=<ms>`
// measured from request arrival to just before the response head is written.

import { createServer } from 'node:http';
import {
  createSecureServer as createSecureHttp2Server,
  createServer as createHttp2Server,
  type Http2SecureServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { closeOnce, keepLoadConnectionsOpen, listen, targetUrl } from './listen.js';
import { MAX_SPIN_MS, serverTiming, spin } from './service-time.js';
import { ServiceStation, type ServiceStationOptions } from './service-station.js';
import { systemClock } from '../time/clock.js';

export interface HttpTargetOptions {
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Port to bind; 0 picks a free port. Default 0. */
  port?: number;
  /** Serve HTTPS with this PEM key and certificate (see targets/tls.ts for a self-signed one): HTTP/2 or HTTP/1.1, as ALPN picks. */
  tls?: { key: string; cert: string };
  /** Serve HTTP/2 in cleartext with prior knowledge (h2c://) instead of HTTP/1.1; not with `tls`. */
  h2c?: boolean;
  /** Every request first waits for a slot of this FIFO station and holds it for a service time: a target of known capacity. */
  station?: ServiceStationOptions;
}

export interface RunningTarget {
  url: string;
  host: string;
  port: number;
  /** Stops listening, drops every connection (idle or active) and resolves once closed. */
  close(): Promise<void>;
}

const MAX_DELAY_MS = 600_000;
const MAX_BYTES = 100 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Precomputed constants

const TEXT_PLAIN = 'text/plain; charset=utf-8';
const APPLICATION_JSON = 'application/json; charset=utf-8';
const OCTET_STREAM = 'application/octet-stream';

const HELLO_BODY = Buffer.from('hello\n');
const HELLO_LENGTH = String(HELLO_BODY.length);
const OK_BODY = Buffer.from('ok\n');
const OK_LENGTH = String(OK_BODY.length);
const EMPTY_BODY = Buffer.alloc(0);

/** Repeating pattern for /bytes; the chunk length is a multiple of its period so consecutive chunks continue it. */
const BYTES_PATTERN = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
const BYTES_CHUNK_SIZE = 1024 * 1024;
const BYTES_CHUNK: Buffer = (() => {
  const chunk = Buffer.allocUnsafeSlow(BYTES_CHUNK_SIZE);
  for (let i = 0; i < BYTES_CHUNK_SIZE; i += BYTES_PATTERN.length) BYTES_PATTERN.copy(chunk, i);
  return chunk;
})();

/** Bodies for /status/:code, built on first use. */
const statusBodies = new Map<number, { body: Buffer; length: string }>();

function statusBody(code: number): { body: Buffer; length: string } {
  let entry = statusBodies.get(code);
  if (entry === undefined) {
    const body = Buffer.from(`status ${code}\n`);
    entry = { body, length: String(body.length) };
    statusBodies.set(code, entry);
  }
  return entry;
}

// ---------------------------------------------------------------------------
// Helpers

/** Parses a non-negative decimal integer path parameter within [min, max]; -1 when invalid. */
function parseIntParam(text: string, min: number, max: number): number {
  const length = text.length;
  if (length === 0 || length > 10) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value >= min && value <= max ? value : -1;
}

function sendBuffer(res: ServerResponse, start: number, status: number, contentType: string, body: Buffer, length: string): void {
  res.writeHead(status, ['Content-Type', contentType, 'Content-Length', length, 'Server-Timing', serverTiming(start)]);
  res.end(body);
}

function sendJson(res: ServerResponse, start: number, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  sendBuffer(res, start, status, APPLICATION_JSON, body, String(body.length));
}

function sendError(res: ServerResponse, start: number, status: number, message: string): void {
  sendJson(res, start, status, { error: message });
}

function sendOk(res: ServerResponse, start: number): void {
  sendBuffer(res, start, 200, TEXT_PLAIN, OK_BODY, OK_LENGTH);
}

function sendStatus(res: ServerResponse, start: number, code: number): void {
  if (code === 204 || code === 304) {
    res.writeHead(code, ['Server-Timing', serverTiming(start)]);
    res.end();
    return;
  }
  const { body, length } = statusBody(code);
  sendBuffer(res, start, code, TEXT_PLAIN, body, length);
}

function sendBytes(req: IncomingMessage, res: ServerResponse, start: number, n: number): void {
  res.writeHead(200, ['Content-Type', OCTET_STREAM, 'Content-Length', String(n), 'Server-Timing', serverTiming(start)]);
  if (n <= BYTES_CHUNK_SIZE || req.method === 'HEAD') {
    res.end(n <= BYTES_CHUNK_SIZE ? BYTES_CHUNK.subarray(0, n) : undefined);
    return;
  }
  // Stream the cached chunk repeatedly, honouring backpressure.
  let remaining = n;
  const pump = (): void => {
    while (remaining > 0) {
      if (res.destroyed) return;
      const size = Math.min(remaining, BYTES_CHUNK_SIZE);
      remaining -= size;
      const chunk = size === BYTES_CHUNK_SIZE ? BYTES_CHUNK : BYTES_CHUNK.subarray(0, size);
      if (remaining === 0) {
        res.end(chunk);
        return;
      }
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function sendDelayed(res: ServerResponse, start: number, ms: number): void {
  if (ms === 0) {
    sendOk(res, start);
    return;
  }
  // Timers may fire a fraction of a millisecond early relative to performance.now()
  // (libuv keeps a cached, millisecond-truncated loop clock), so re-arm until the
  // full delay has really elapsed.
  const deadline = performance.now() + ms;
  let timer: NodeJS.Timeout;
  const onClose = (): void => clearTimeout(timer);
  const fire = (): void => {
    const remaining = deadline - performance.now();
    if (remaining > 0) {
      timer = setTimeout(fire, Math.ceil(remaining));
      return;
    }
    res.off('close', onClose);
    if (!res.destroyed) sendOk(res, start);
  };
  timer = setTimeout(fire, ms);
  res.once('close', onClose);
}

// ---------------------------------------------------------------------------
// Routing

function route(req: IncomingMessage, res: ServerResponse, start: number, path: string, body: Buffer | null): void {
  if (path === '/') {
    sendBuffer(res, start, 200, TEXT_PLAIN, HELLO_BODY, HELLO_LENGTH);
    return;
  }
  if (path === '/echo') {
    sendJson(res, start, 200, {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: body === null ? '' : body.toString('utf8'),
    });
    return;
  }
  if (path.startsWith('/delay/')) {
    const ms = parseIntParam(path.slice(7), 0, MAX_DELAY_MS);
    if (ms < 0) sendError(res, start, 400, `bad delay: expected integer milliseconds 0..${MAX_DELAY_MS}`);
    else sendDelayed(res, start, ms);
    return;
  }
  if (path.startsWith('/status/')) {
    const code = parseIntParam(path.slice(8), 200, 599);
    if (code < 0) sendError(res, start, 400, 'bad status: expected integer code 200..599');
    else sendStatus(res, start, code);
    return;
  }
  if (path.startsWith('/spin/')) {
    const ms = parseIntParam(path.slice(6), 0, MAX_SPIN_MS);
    if (ms < 0) {
      sendError(res, start, 400, `bad spin: expected integer milliseconds 0..${MAX_SPIN_MS}`);
    } else {
      spin(ms);
      sendOk(res, start);
    }
    return;
  }
  if (path.startsWith('/bytes/')) {
    const n = parseIntParam(path.slice(7), 0, MAX_BYTES);
    if (n < 0) sendError(res, start, 400, `bad size: expected integer byte count 0..${MAX_BYTES}`);
    else sendBytes(req, res, start, n);
    return;
  }
  sendError(res, start, 404, `no route for ${req.method ?? ''} ${path}`);
}

function noop(): void {}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  handleRequest(req, res, performance.now());
}

/** Requests pass the station first; Server-Timing counts from arrival, so it includes the wait for a slot. */
function stationHandler(station: ServiceStation): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const start = performance.now();
    const cancel = station.admit(() => {
      res.off('close', cancel);
      if (!res.destroyed) handleRequest(req, res, start);
    });
    res.once('close', cancel);
  };
}

function handleRequest(req: IncomingMessage, res: ServerResponse, start: number): void {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);

  const headers = req.headers;
  const contentLength = headers['content-length'];
  if (headers['transfer-encoding'] === undefined && (contentLength === undefined || contentLength === '0')) {
    // No request body: answer straight away.
    route(req, res, start, path, null);
    return;
  }

  // Consume the whole body before answering so the connection stays reusable.
  req.on('error', noop);
  if (path === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY_BODY : Buffer.concat(chunks);
      route(req, res, start, path, body);
    });
  } else {
    req.on('end', () => route(req, res, start, path, null));
    req.resume();
  }
}

// ---------------------------------------------------------------------------

export async function startHttpTarget(options: HttpTargetOptions = {}): Promise<RunningTarget> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  const handler = options.station ? stationHandler(new ServiceStation(options.station, systemClock)) : onRequest;
  // The compatibility request and response take the calls the routes make (writeHead with a flat header array, end, 'close').
  const http2Handler = handler as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void;
  if (options.h2c) {
    if (options.tls) throw new RangeError('h2c is HTTP/2 in cleartext: it does not take tls');
    return startHttp2Target(createHttp2Server(http2Handler), 'h2c', host, requestedPort);
  }
  if (options.tls) {
    // h2 for clients that offer it by ALPN, HTTP/1.1 for the others (allowHTTP1): the same routes either way.
    return startHttp2Target(createSecureHttp2Server({ ...options.tls, allowHTTP1: true }, http2Handler), 'https', host, requestedPort);
  }

  const server = createServer({ keepAlive: true, noDelay: true }, handler);
  keepLoadConnectionsOpen(server);
  const port = await listen(server, requestedPort, host);
  const url = targetUrl('http', host, port);

  return { url, host, port, close: closeOnce(server, () => server.closeAllConnections()) };
}

/**
 * The same routes on node:http2: h2c, or TLS with HTTP/1.1 allowed beside h2. node:http2 leaves the
 * HTTP/1.1 connections it takes without an idle timeout or request limit, as a load wants them.
 */
async function startHttp2Target(server: Http2Server | Http2SecureServer, scheme: 'h2c' | 'https', host: string, requestedPort: number): Promise<RunningTarget> {
  // TCP connections, whatever protocol they carry: closing them ends HTTP/2 sessions and HTTP/1.1 alike.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session) => session.on('error', noop));
  const port = await listen(server, requestedPort, host);
  const url = targetUrl(scheme, host, port);
  const close = closeOnce(server, () => {
    for (const socket of sockets) socket.destroy();
  });
  return { url, host, port, close };
}
