import type { Socket } from 'node:net';
import { causeOfSocketError, type ErrorCause } from '../metrics/causes.js';
import type { Clock } from '../time/clock.js';
import { ConnectionPool, type PooledConnection } from './connection-pool.js';
import { SocketOpener, type SocketFactory } from './socket-opener.js';
import type { ExchangeListener } from './transport.js';

/** Called for each complete reply, in order; `status` is 0 for protocols without one (raw TCP), `serviceUs` -1 for replies without a service time. */
export type ReplyHandler = (status: number, keepAlive: boolean, serviceUs: number) => void;

/** Frames the replies of one connection from the bytes it reads. */
export interface ReplyReader {
  /** Reads `data[start, end)`, calling the handler for each reply it completes; false when the bytes cannot be a reply. */
  feed(data: Buffer, start: number, end: number): boolean;
  /** The connection closed: a reply delimited by the close is complete now. */
  finish(): unknown;
}

export interface SocketPoolOptions {
  connect: SocketFactory;
  /** A fresh reader for each new socket. */
  reader: (onReply: ReplyHandler) => ReplyReader;
  /** The complete request, written as is for every send. */
  request: Buffer;
  /** Requests in flight per connection; 1 is plain keep-alive. */
  pipelining: number;
  maxConnections: number;
  clock: Clock;
  listener: ExchangeListener;
}

/** One keep-alive connection and the requests in flight on it, oldest first (replies come back in request order). */
class Connection implements PooledConnection {
  socket: Socket | undefined;
  readonly intendedUs: Float64Array;
  readonly sentUs: Float64Array;
  oldest = 0;
  inFlight = 0;
  listed = false;
  retiring = false;

  constructor(pipelining: number) {
    this.intendedUs = new Float64Array(pipelining);
    this.sentUs = new Float64Array(pipelining);
  }
}

/**
 * Request/reply over keep-alive stream sockets: prebuilt request bytes out, a lean reader in, nothing
 * allocated per request. Protocols differ only in how a socket is made (TCP, TLS) and how replies are
 * framed (HTTP/1.1 responses, delimited or fixed-size TCP replies); replies come back in request order.
 */
export class SocketPool extends ConnectionPool<Connection> {
  private readonly sockets: SocketOpener;

  constructor(private readonly options: SocketPoolOptions) {
    super(options.maxConnections, options.clock, options.listener);
    this.sockets = new SocketOpener(options.connect);
  }

  expire(olderThanUs: number): void {
    // Backwards: failing a retiring connection removes it from the array being walked.
    for (let i = this.connections.length - 1; i >= 0; i--) {
      const connection = this.connections[i];
      if (connection && connection.inFlight > 0 && connection.sentUs[connection.oldest]! < olderThanUs) this.failAll(connection, 'timeout');
    }
  }

  protected open(): Connection {
    return new Connection(this.options.pipelining);
  }

  /**
   * Opens up to `count` connections and resolves once each is connected or has failed (a failed one
   * opens again at its first request). Otherwise, at time zero every request finds the connections
   * before it still connecting and opens one more, and the first ones are late by the connects: 5–9 ms
   * at 5,000 req/s with 50 connections. wrk and autocannon connect first too.
   */
  openAhead(count: number): Promise<void> {
    const opening: Promise<void>[] = [];
    for (let i = Math.min(count, this.room()); i > 0; i--) {
      const connection = this.add();
      const socket = this.connect(connection);
      this.list(connection);
      // A TLS socket can carry a request once its handshake is done.
      const ready = 'encrypted' in socket ? 'secureConnect' : 'connect';
      opening.push(
        new Promise((resolve) => {
          const settle = (): void => {
            socket.off(ready, settle).off('error', settle).off('close', settle);
            resolve();
          };
          socket.once(ready, settle).once('error', settle).once('close', settle);
        }),
      );
    }
    return Promise.all(opening).then(() => {});
  }

  protected send(connection: Connection, intendedUs: number, sentUs: number): void {
    // A connection whose socket failed reconnects on its next request.
    const socket = connection.socket ?? this.connect(connection);
    const slot = (connection.oldest + connection.inFlight) % this.options.pipelining;
    connection.intendedUs[slot] = intendedUs;
    connection.sentUs[slot] = sentUs;
    connection.inFlight++;
    socket.write(this.options.request);
  }

  protected canTake(connection: Connection): boolean {
    return connection.inFlight < this.options.pipelining;
  }

  protected destroy(connection: Connection): void {
    const socket = connection.socket;
    connection.socket = undefined; // its close event must not report anything now
    socket?.destroy();
  }

  private connect(connection: Connection): Socket {
    // One reader per socket: bytes still being parsed from an old socket must never answer the new one's requests.
    const reader = this.options.reader((status, keepAlive, serviceUs) => {
      if (connection.socket === socket) this.onResponse(connection, status, keepAlive, serviceUs);
    });
    const current = (candidate: Socket): boolean => connection.socket === candidate;
    const pipelined = this.options.pipelining > 1;
    const socket = this.sockets.open(current, {
      read: (buffer, bytes) => {
        // One read may end several pipelined replies, each making room for a request: corked, the
        // requests sent meanwhile leave in one write, as a pipelining client's do, not one write each.
        if (pipelined) socket.cork();
        if (!reader.feed(buffer, 0, bytes) && current(socket)) this.failAll(connection, 'protocol');
        if (pipelined) socket.uncork();
      },
      error: (error) => this.failAll(connection, causeOfSocketError(error)),
      close: () => {
        reader.finish(); // a reply delimited by the close is complete now; its handler may reconnect
        if (current(socket)) this.failAll(connection, 'closed');
      },
    });
    connection.socket = socket;
    return socket;
  }

  private onResponse(connection: Connection, status: number, keepAlive: boolean, serviceUs: number): void {
    if (connection.inFlight === 0) {
      // A response nobody asked for: the stream is out of step with our requests.
      this.failAll(connection, 'protocol');
      return;
    }
    const slot = connection.oldest;
    connection.oldest = (slot + 1) % this.options.pipelining;
    connection.inFlight--;
    this.inFlightCount--;
    this.listener.onResponse(connection.intendedUs[slot]!, connection.sentUs[slot]!, this.clock.nowUs(), status, serviceUs);
    if (!keepAlive) this.failAll(connection, 'closed');
    else this.release(connection);
  }

  /** Fails every request in flight on `connection` with `cause` and drops its socket; the slot is reusable. */
  private failAll(connection: Connection, cause: ErrorCause): void {
    this.destroy(connection);
    const failing = connection.inFlight;
    if (failing > 0) {
      const doneUs = this.clock.nowUs();
      const { pipelining } = this.options;
      for (let i = 0; i < failing; i++) {
        const slot = (connection.oldest + i) % pipelining;
        this.listener.onFailure(connection.intendedUs[slot]!, connection.sentUs[slot]!, doneUs, cause);
      }
      connection.inFlight = 0;
      connection.oldest = 0;
      this.inFlightCount -= failing;
    }
    this.release(connection);
  }
}
