import type { Socket } from 'node:net';
import { causeOfSocketError, type ErrorCause } from '../../metrics/causes.js';
import type { Clock } from '../../time/clock.js';
import { ConnectionPool, type SocketFactory } from '../connection-pool.js';
import type { ExchangeListener } from '../transport.js';
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
 * a slot being a free stream. As for HTTP/1.1, reads of every connection land in one buffer and the
 * request is prebuilt bytes (here a header block, stamped with each stream's id).
 */
export class Http2Pool extends ConnectionPool<Http2Session> implements SessionOwner {
  constructor(private readonly options: Http2PoolOptions) {
    super(options.maxConnections, options.clock, options.listener);
  }

  expire(olderThanUs: number): void {
    // Backwards: a retiring session whose last stream ends leaves the array being walked.
    for (let i = this.connections.length - 1; i >= 0; i--) this.connections[i]?.expire(olderThanUs);
  }

  streamEnded(session: Http2Session, intendedUs: number, sentUs: number, status: number, cause: ErrorCause | undefined, serviceUs: number): void {
    this.inFlightCount--;
    if (cause === undefined) this.listener.onResponse(intendedUs, sentUs, this.clock.nowUs(), status, serviceUs);
    else this.listener.onFailure(intendedUs, sentUs, this.clock.nowUs(), cause);
    this.release(session);
  }

  capacityChanged(session: Http2Session): void {
    if (session.spent()) {
      // GOAWAY: the session finishes the streams it has, and a new connection takes the rest.
      this.retireLater(session);
      if (session.inFlight === 0) this.remove(session);
      this.listener.onSlotFree();
    } else if (session.canSend()) {
      this.list(session);
      this.listener.onSlotFree();
    } else {
      this.unlist(session);
    }
  }

  protected open(): Http2Session {
    const session = new Http2Session(this.options, this);
    const current = (socket: Socket): boolean => session.socket === socket;
    const socket = this.openSocket(this.options.connect, current, {
      read: (buffer, bytes) => {
        if (!session.reader.feed(buffer, 0, bytes) && current(socket)) this.fail(session, 'protocol');
      },
      error: (error) => this.fail(session, causeOfSocketError(error)),
      close: () => this.fail(session, session.goaway ? 'goaway' : 'closed'),
    });
    session.start(socket);
    return session;
  }

  protected send(session: Http2Session, intendedUs: number, sentUs: number): void {
    session.send(intendedUs, sentUs);
    // Its last stream id (2^31 - 1) is used: a new connection takes the next requests.
    if (session.spent()) this.retireLater(session);
  }

  protected canTake(session: Http2Session): boolean {
    return session.canSend();
  }

  protected destroy(session: Http2Session): void {
    session.destroy();
  }

  /** The connection is gone: its streams fail with `cause`, and it leaves the pool (a new one replaces it). */
  private fail(session: Http2Session, cause: ErrorCause): void {
    this.retireLater(session);
    session.failAll(cause);
    this.remove(session);
    if (!this.closed) this.listener.onSlotFree();
  }
}
