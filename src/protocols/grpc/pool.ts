import {
  connect,
  constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ClientSessionOptions,
} from 'node:http2';
import { causeOfSocketError, type ErrorCause } from '../../metrics/causes.js';
import type { Clock } from '../../time/clock.js';
import type { ExchangeListener, Transport } from '../transport.js';
import { SERVER_TIMING, serviceUsOfText } from '../server-timing.js';

/**
 * What every stream of a pool sends and how its answer is judged: a protocol on top of HTTP/2 such as
 * gRPC, whose outcome is in the trailers.
 */
export interface StreamDialect {
  /** The request's headers, pseudo-headers included, built once and sent as is on every stream. */
  readonly headers: OutgoingHttpHeaders;
  /** The next stream's body; undefined sends the headers alone. */
  nextBody(): Buffer | undefined;
  /** Whether `judge` needs the trailers (they are not listened for otherwise). */
  readonly readsTrailers: boolean;
  /** A stream the server ended cleanly: the status to report as a response, or why it failed. */
  judge(headers: IncomingHttpHeaders, trailers: IncomingHttpHeaders | undefined): number | ErrorCause;
  /** Streams older than this fail with `cause` when the run's timeout has not failed them first (gRPC's deadline). */
  readonly deadline?: { us: number; cause: ErrorCause };
}

export interface NodeHttp2PoolOptions {
  /** An address already resolved, so no request waits on DNS. */
  host: string;
  port: number;
  dialect: StreamDialect;
  /** Most streams in flight per connection; the server's SETTINGS_MAX_CONCURRENT_STREAMS lowers it. */
  streams: number;
  maxConnections: number;
  clock: Clock;
  listener: ExchangeListener;
}

/** One request on one stream; `done` once reported, so late stream events report nothing twice. */
class Exchange {
  done = false;
  headers: IncomingHttpHeaders | undefined;
  trailers: IncomingHttpHeaders | undefined;
  error: NodeJS.ErrnoException | undefined;
  constructor(
    readonly session: Session,
    readonly stream: ClientHttp2Stream,
    readonly intendedUs: number,
    readonly sentUs: number,
  ) {}
}

/** One connection and its streams in flight, in the order they were sent. */
class Session {
  readonly exchanges = new Set<Exchange>();
  /** Streams allowed at once: ours, lowered by the server's settings. */
  limit: number;
  listed = false;
  /** Streams opened on it in this turn of the event loop (see NodeHttp2Pool.turnQuota). */
  sentThisTurn = 0;
  retiring = false;
  /** Set once the server sent GOAWAY: the session takes no new streams. */
  goaway = false;
  /** Why the connection failed, when it did (a socket error arrives before the close). */
  cause: ErrorCause | undefined;

  constructor(
    readonly http2: ClientHttp2Session,
    streams: number,
  ) {
    this.limit = streams;
  }
}

const EXCHANGE = Symbol('salvo.exchange');
/** Request options made once (node copies them per request): a request without a body ends with its headers. */
const END_STREAM = Object.freeze({ endStream: true });
const OPEN_STREAM = Object.freeze({ endStream: false });
type TaggedStream = ClientHttp2Stream & { [EXCHANGE]: Exchange };

/**
 * gRPC's transport, HTTP/2 on node:http2 (plain HTTP/2 has its own faster client in src/protocols/http2;
 * gRPC meets its goals here, so it keeps node's well-tried stack): `maxConnections` sessions of up to `streams` concurrent streams each, a slot
 * being a free stream. The request headers are one object sent for every stream; bodies are drained
 * without being kept. Stream events go to shared handlers (no closures per request).
 */
export class NodeHttp2Pool implements Transport {
  private readonly sessions: Session[] = [];
  /** Sessions that can take one more stream, most recently used last. */
  private readonly available: Session[] = [];
  private maxConnections: number;
  private active = 0;
  private inFlightCount = 0;
  private closed = false;
  private turnEndScheduled = false;
  private readonly origin: string;
  private readonly connectOptions: ClientSessionOptions;
  private readonly onStreamResponse: (this: TaggedStream, headers: IncomingHttpHeaders) => void;
  private readonly onStreamTrailers: (this: TaggedStream, trailers: IncomingHttpHeaders) => void;
  private readonly onStreamError: (this: TaggedStream, error: NodeJS.ErrnoException) => void;
  private readonly onStreamClose: (this: TaggedStream) => void;

  constructor(private readonly options: NodeHttp2PoolOptions) {
    this.maxConnections = options.maxConnections;
    const { host, port } = options;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    // grpc:// is cleartext HTTP/2 with prior knowledge.
    this.origin = `http://${hostPart}:${port}`;
    this.connectOptions = {
      // Until the server's SETTINGS arrive nghttp2 sends one stream and holds the rest: assuming its default
      // of 100 would send streams that a server allowing fewer must refuse.
      peerMaxConcurrentStreams: 1,
    };
    const pool = this;
    this.onStreamResponse = function (headers) {
      this[EXCHANGE].headers = headers;
    };
    this.onStreamTrailers = function (trailers) {
      this[EXCHANGE].trailers = trailers;
    };
    this.onStreamError = function (error) {
      this[EXCHANGE].error = error;
    };
    this.onStreamClose = function () {
      pool.onClose(this[EXCHANGE]);
    };
  }

  trySend(intendedUs: number): boolean {
    if (this.closed) return false;
    let session = this.available.pop();
    // A session that failed keeps no slot: its streams may report before the session itself does.
    while (session !== undefined && (session.http2.closed || session.http2.destroyed)) {
      session.listed = false;
      this.drop(session);
      session = this.available.pop();
    }
    if (session) {
      session.listed = false;
    } else {
      if (this.active >= this.maxConnections) return false;
      session = this.connect();
    }
    session.sentThisTurn++;
    if (!this.turnEndScheduled) {
      this.turnEndScheduled = true;
      this.options.clock.setImmediate(this.endTurn);
    }
    const sentUs = this.options.clock.nowUs();
    const { dialect } = this.options;
    const body = dialect.nextBody();
    const stream = session.http2.request(dialect.headers, body === undefined ? END_STREAM : OPEN_STREAM) as TaggedStream;
    const exchange = new Exchange(session, stream, intendedUs, sentUs);
    stream[EXCHANGE] = exchange;
    session.exchanges.add(exchange);
    this.inFlightCount++;
    stream.on('response', this.onStreamResponse);
    if (dialect.readsTrailers) stream.on('trailers', this.onStreamTrailers);
    stream.on('data', noop); // flowing: the body is read and dropped, never kept
    stream.on('error', this.onStreamError);
    stream.on('close', this.onStreamClose);
    if (body !== undefined) stream.end(body);
    this.options.listener.onSent(intendedUs, sentUs);
    this.list(session);
    return true;
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  expire(olderThanUs: number): void {
    const { deadline } = this.options.dialect;
    if (deadline !== undefined) this.failSentBefore(this.options.clock.nowUs() - deadline.us, deadline.cause);
    this.failSentBefore(olderThanUs, 'timeout');
  }

  private failSentBefore(olderThanUs: number, cause: ErrorCause): void {
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const session = this.sessions[i];
      if (session === undefined) continue;
      // Sent in order, so the first one young enough ends the walk.
      for (const exchange of session.exchanges) {
        if (exchange.sentUs >= olderThanUs) break;
        exchange.stream.close(constants.NGHTTP2_CANCEL);
        this.fail(exchange, cause);
      }
    }
  }

  setMaxConnections(count: number): void {
    this.maxConnections = count;
    for (let i = this.sessions.length - 1; i >= 0 && this.active > count; i--) {
      const session = this.sessions[i]!;
      if (session.retiring) continue;
      this.retireLater(session);
      if (session.exchanges.size === 0) this.remove(session);
    }
    this.options.listener.onSlotFree();
  }

  close(): void {
    this.closed = true;
    for (const session of this.sessions) {
      for (const exchange of session.exchanges) exchange.done = true;
      session.exchanges.clear();
      session.http2.destroy();
    }
    this.sessions.length = 0;
    this.available.length = 0;
  }

  private connect(): Session {
    const http2 = connect(this.origin, this.connectOptions);
    const session = new Session(http2, this.options.streams);
    this.sessions.push(session);
    this.active++;
    http2.on('remoteSettings', (settings) => {
      const serverLimit = settings.maxConcurrentStreams;
      if (serverLimit !== undefined) session.limit = Math.max(1, Math.min(this.options.streams, serverLimit));
      if (session.exchanges.size >= session.limit) this.unlist(session);
      else this.list(session);
    });
    http2.on('error', (error: NodeJS.ErrnoException) => {
      session.cause ??= causeOfSessionError(error);
      this.retireLater(session);
    });
    http2.on('goaway', (_code: number, lastStreamId: number) => {
      session.goaway = true;
      this.retireLater(session);
      // Streams the server will not process: they fail now, and slots open elsewhere.
      for (const exchange of session.exchanges) {
        const id = exchange.stream.id;
        if (id === undefined || id > lastStreamId) this.fail(exchange, 'goaway');
      }
      this.drop(session);
    });
    http2.on('close', () => {
      this.retireLater(session);
      for (const exchange of session.exchanges) this.fail(exchange, session.cause ?? (session.goaway ? 'goaway' : 'closed'));
      this.remove(session);
      if (!this.closed) this.options.listener.onSlotFree();
    });
    return session;
  }

  private onClose(exchange: Exchange): void {
    if (exchange.done) return;
    const { stream } = exchange;
    if (exchange.error === undefined && stream.readableEnded && exchange.headers !== undefined && stream.rstCode === constants.NGHTTP2_NO_ERROR) {
      const outcome = this.options.dialect.judge(exchange.headers, exchange.trailers);
      if (typeof outcome === 'number') this.complete(exchange, outcome);
      else this.fail(exchange, outcome);
      return;
    }
    const { session } = exchange;
    let cause: ErrorCause;
    if (exchange.error !== undefined) cause = causeOfStreamError(exchange.error, session);
    // A session that went away closes its streams with a code of its own: that is not the server resetting them.
    else if (session.http2.destroyed) cause = session.cause ?? (session.goaway ? 'goaway' : 'closed');
    else cause = stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR ? 'rst_stream' : 'closed';
    this.fail(exchange, cause);
  }

  private complete(exchange: Exchange, status: number): void {
    exchange.done = true;
    const { session } = exchange;
    session.exchanges.delete(exchange);
    this.inFlightCount--;
    // gRPC sends the service time in its trailers (salvo's grpc-worker does); a plain answer in its headers.
    const serviceUs = serviceUsOfText(exchange.trailers?.[SERVER_TIMING] ?? exchange.headers?.[SERVER_TIMING]);
    this.options.listener.onResponse(exchange.intendedUs, exchange.sentUs, this.options.clock.nowUs(), status, serviceUs);
    this.release(session);
  }

  private fail(exchange: Exchange, cause: ErrorCause): void {
    if (exchange.done) return;
    exchange.done = true;
    const { session } = exchange;
    session.exchanges.delete(exchange);
    this.inFlightCount--;
    this.options.listener.onFailure(exchange.intendedUs, exchange.sentUs, this.options.clock.nowUs(), cause);
    this.release(session);
  }

  /** A stream of `session` finished: its slot is free (or, on a retiring session, one fewer to wait for). */
  private release(session: Session): void {
    if (this.closed) return;
    if (session.retiring) {
      if (session.exchanges.size === 0) {
        this.remove(session);
        this.options.listener.onSlotFree(); // nothing frees a slot here, but a draining run may now be done
      }
      return;
    }
    this.list(session);
    this.options.listener.onSlotFree();
  }

  /** The session can take no more streams: it stops counting against the limit, and closes when its streams are done. */
  private retireLater(session: Session): void {
    if (session.retiring) return;
    session.retiring = true;
    this.active--;
    this.unlist(session);
  }

  /** Gives up on a session that refused a stream or is going away. */
  private drop(session: Session): void {
    this.retireLater(session);
    if (session.exchanges.size === 0) this.remove(session);
  }

  private remove(session: Session): void {
    const index = this.sessions.indexOf(session);
    if (index < 0) return;
    this.sessions.splice(index, 1);
    if (!session.retiring) {
      session.retiring = true;
      this.active--;
    }
    this.unlist(session);
    if (session.http2.destroyed) return;
    // A clean close lets the server see a GOAWAY rather than a reset.
    if (session.exchanges.size === 0) session.http2.close();
    else session.http2.destroy();
  }

  /**
   * Most streams a session opens in one turn of the event loop: half its limit. node:http2 sends all the
   * streams opened in a turn in one write, and a server answers one read in one write, so a connection
   * whose calls all left together stays a single batch played ping-pong: the server idles while the
   * client handles the answers and the client idles while the server works. Split in two, one half is
   * served while the other is handled (measured: about +20% calls/s against salvo's grpc-worker).
   */
  private static turnQuota(session: Session): number {
    return Math.ceil(session.limit / 2);
  }

  /** A new turn of the event loop: sessions held back by their quota take streams again. */
  private readonly endTurn = (): void => {
    this.turnEndScheduled = false;
    if (this.closed) return;
    for (const session of this.sessions) {
      session.sentThisTurn = 0;
      this.list(session);
    }
    this.options.listener.onSlotFree();
  };

  private list(session: Session): void {
    if (!session.listed && !session.retiring && session.exchanges.size < session.limit && session.sentThisTurn < NodeHttp2Pool.turnQuota(session)) {
      session.listed = true;
      this.available.push(session);
    }
  }

  private unlist(session: Session): void {
    if (!session.listed) return;
    session.listed = false;
    this.available.splice(this.available.indexOf(session), 1);
  }
}

function noop(): void {}

/** A session's error: node:http2 wraps nothing, so socket and TLS codes come through as they are. */
function causeOfSessionError(error: NodeJS.ErrnoException): ErrorCause {
  const code = error.code ?? '';
  if (code === 'ERR_HTTP2_SESSION_ERROR') return 'goaway'; // a GOAWAY with an error code
  if (code.startsWith('ERR_HTTP2_')) return 'protocol';
  return causeOfSocketError(error);
}

function causeOfStreamError(error: NodeJS.ErrnoException, session: Session): ErrorCause {
  switch (error.code) {
    case 'ERR_HTTP2_STREAM_ERROR':
      // The server reset the stream; after a GOAWAY it refuses the streams it will not process.
      return session.goaway ? 'goaway' : 'rst_stream';
    case 'ERR_HTTP2_STREAM_CANCEL': {
      // A stream that never started because its session failed: the session's failure is the cause.
      const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
      return session.cause ?? (cause ? causeOfSessionError(cause) : 'closed');
    }
    case 'ERR_HTTP2_GOAWAY_SESSION':
      return 'goaway';
    default:
      return session.cause ?? causeOfSessionError(error);
  }
}
