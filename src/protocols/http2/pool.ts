import type { Socket } from 'node:net';
import { causeOfSocketError, type ErrorCause } from '../../metrics/causes.js';
import type { Clock } from '../../time/clock.js';
import { READ_BUFFER_BYTES, type SocketFactory } from '../socket-pool.js';
import type { ExchangeListener, Transport } from '../transport.js';
import { Http2Session, type SessionOwner } from './session.js';

export interface Http2PoolOptions {
  /** How a socket is made: plain TCP for h2c, TLS with ALPN h2 for https. */
  connect: SocketFactory;
  /** The request's header block, encoded once (encodeHeaderBlock). */
  headerBlock: Buffer;
  body: Buffer | undefined;
  /** Most streams in flight per connection; the server's SETTINGS_MAX_CONCURRENT_STREAMS lowers it. */
  streams: number;
  maxConnections: number;
  clock: Clock;
  listener: ExchangeListener;
}

/**
 * HTTP/2 over raw sockets: `maxConnections` connections of up to `streams` concurrent streams each,
 * a slot being a free stream. As in the socket pool, reads of every connection land in one buffer
 * and requests are prebuilt bytes (here a header block, stamped with each stream's id).
 */
export class Http2Pool implements Transport, SessionOwner {
  private readonly sessions: Http2Session[] = [];
  /** Sessions that can take one more stream, most recently used last. */
  private readonly available: Http2Session[] = [];
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private maxConnections: number;
  private active = 0;
  private inFlightCount = 0;
  private closed = false;

  constructor(private readonly options: Http2PoolOptions) {
    this.maxConnections = options.maxConnections;
  }

  trySend(intendedUs: number): boolean {
    if (this.closed) return false;
    let session = this.available.pop();
    if (session) {
      session.listed = false;
    } else {
      if (this.active >= this.maxConnections) return false;
      session = this.connect();
    }
    const sentUs = this.options.clock.nowUs();
    session.send(intendedUs, sentUs);
    this.inFlightCount++;
    this.options.listener.onSent(intendedUs, sentUs);
    this.list(session);
    return true;
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  expire(olderThanUs: number): void {
    // Backwards: a retiring session whose last stream ends leaves the array being walked.
    for (let i = this.sessions.length - 1; i >= 0; i--) this.sessions[i]?.expire(olderThanUs);
  }

  setMaxConnections(count: number): void {
    this.maxConnections = count;
    for (let i = this.sessions.length - 1; i >= 0 && this.active > count; i--) {
      const session = this.sessions[i]!;
      if (session.retiring) continue;
      this.retireLater(session);
      if (session.inFlight === 0) this.remove(session);
    }
    this.options.listener.onSlotFree();
  }

  close(): void {
    this.closed = true;
    for (const session of this.sessions) session.destroy();
    this.sessions.length = 0;
    this.available.length = 0;
  }

  streamEnded(session: Http2Session, intendedUs: number, sentUs: number, status: number, cause: ErrorCause | undefined): void {
    this.inFlightCount--;
    const { listener, clock } = this.options;
    if (cause === undefined) listener.onResponse(intendedUs, sentUs, clock.nowUs(), status);
    else listener.onFailure(intendedUs, sentUs, clock.nowUs(), cause);
    this.release(session);
  }

  capacityChanged(session: Http2Session): void {
    if (session.spent()) {
      // GOAWAY: the session finishes the streams it has, and a new connection takes the rest.
      this.retireLater(session);
      if (session.inFlight === 0) this.remove(session);
      this.options.listener.onSlotFree();
      return;
    }
    if (session.canSend()) {
      this.list(session);
      this.options.listener.onSlotFree();
    } else {
      this.unlist(session);
    }
  }

  private connect(): Http2Session {
    const session = new Http2Session(this.options, this);
    this.sessions.push(session);
    this.active++;
    const socket: Socket = this.options.connect({
      buffer: this.readBuffer,
      // One buffer serves every connection: each read is parsed before the next read can land in it.
      callback: (bytes: number, buffer: Uint8Array) => {
        if (session.socket === socket && !session.reader.feed(buffer as Buffer, 0, bytes) && session.socket === socket) this.fail(session, 'protocol');
        return true;
      },
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (session.socket === socket) this.fail(session, causeOfSocketError(error));
    });
    socket.on('close', () => {
      if (session.socket === socket) this.fail(session, session.goaway ? 'goaway' : 'closed');
    });
    session.start(socket);
    return session;
  }

  /** The connection is gone: its streams fail with `cause`, and it leaves the pool. */
  private fail(session: Http2Session, cause: ErrorCause): void {
    this.retireLater(session);
    session.failAll(cause);
    this.remove(session);
    if (!this.closed) this.options.listener.onSlotFree();
  }

  /** A stream of `session` ended: its slot is free (or, on a retiring session, one fewer to wait for). */
  private release(session: Http2Session): void {
    if (this.closed) return;
    if (session.retiring) {
      if (session.inFlight === 0) {
        this.remove(session);
        this.options.listener.onSlotFree(); // nothing frees a slot here, but a draining run may now be done
      }
      return;
    }
    this.list(session);
    this.options.listener.onSlotFree();
  }

  /** The session takes no more streams: it stops counting against the limit, and closes when its streams are done. */
  private retireLater(session: Http2Session): void {
    if (session.retiring) return;
    session.retiring = true;
    this.active--;
    this.unlist(session);
  }

  private remove(session: Http2Session): void {
    const index = this.sessions.indexOf(session);
    if (index < 0) return;
    this.sessions.splice(index, 1);
    this.retireLater(session);
    session.destroy();
  }

  private list(session: Http2Session): void {
    if (!session.listed && !session.retiring && session.canSend()) {
      session.listed = true;
      this.available.push(session);
    }
  }

  private unlist(session: Http2Session): void {
    if (!session.listed) return;
    session.listed = false;
    this.available.splice(this.available.indexOf(session), 1);
  }
}
