import type { OnReadOpts, Socket } from 'node:net';
import { causeOfSocketError, type ErrorCause } from '../metrics/causes.js';
import type { Clock } from '../time/clock.js';
import type { ExchangeListener, Transport } from './transport.js';

/** Called for each complete reply, in order; `status` is 0 for protocols without one (raw TCP). */
export type ReplyHandler = (status: number, keepAlive: boolean) => void;

/** Frames the replies of one connection from the bytes it reads. */
export interface ReplyReader {
  /** Reads `data[start, end)`, calling the handler for each reply it completes; false when the bytes cannot be a reply. */
  feed(data: Buffer, start: number, end: number): boolean;
  /** The connection closed: a reply delimited by the close is complete now. */
  finish(): unknown;
}

/**
 * Opens a socket whose reads land in `onread` (no per-read Buffer: node:net and node:tls both honour
 * it). Writes made before the socket connects are queued by node, so the pool writes at once.
 */
export type SocketFactory = (onread: OnReadOpts) => Socket;

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

/** The one buffer every connection of a pool reads into. */
export const READ_BUFFER_BYTES = 64 * 1024;

/** One keep-alive connection and the requests in flight on it, oldest first (replies come back in request order). */
class Connection {
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
export class SocketPool implements Transport {
  private readonly connections: Connection[] = [];
  /** Connections that can take one more request, most recently used last. */
  private readonly available: Connection[] = [];
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private maxConnections: number;
  private active = 0;
  private inFlightCount = 0;
  private closed = false;

  constructor(private readonly options: SocketPoolOptions) {
    this.maxConnections = options.maxConnections;
  }

  trySend(intendedUs: number): boolean {
    if (this.closed) return false;
    let connection = this.available.pop();
    if (connection) {
      connection.listed = false;
    } else {
      if (this.active >= this.maxConnections) return false;
      connection = new Connection(this.options.pipelining);
      this.connections.push(connection);
      this.active++;
    }
    const socket = connection.socket ?? this.connect(connection);
    const sentUs = this.options.clock.nowUs();
    const slot = (connection.oldest + connection.inFlight) % this.options.pipelining;
    connection.intendedUs[slot] = intendedUs;
    connection.sentUs[slot] = sentUs;
    connection.inFlight++;
    this.inFlightCount++;
    this.options.listener.onSent(intendedUs, sentUs);
    socket.write(this.options.request);
    this.list(connection);
    return true;
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  expire(olderThanUs: number): void {
    // Backwards: failing a retiring connection removes it from the array being walked.
    for (let i = this.connections.length - 1; i >= 0; i--) {
      const connection = this.connections[i];
      if (connection && connection.inFlight > 0 && connection.sentUs[connection.oldest]! < olderThanUs) this.failAll(connection, 'timeout');
    }
  }

  setMaxConnections(count: number): void {
    this.maxConnections = count;
    for (let i = this.connections.length - 1; i >= 0 && this.active > count; i--) {
      const connection = this.connections[i]!;
      if (connection.retiring) continue;
      connection.retiring = true;
      this.active--;
      this.unlist(connection);
      if (connection.inFlight === 0) this.retire(connection);
    }
    this.options.listener.onSlotFree();
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections) {
      const socket = connection.socket;
      connection.socket = undefined; // its close event must not report anything now
      socket?.destroy();
    }
    this.connections.length = 0;
    this.available.length = 0;
  }

  private connect(connection: Connection): Socket {
    // One reader per socket: bytes still being parsed from an old socket must never answer the new one's requests.
    const reader = this.options.reader((status, keepAlive) => {
      if (connection.socket === socket) this.onResponse(connection, status, keepAlive);
    });
    const socket: Socket = this.options.connect({
      buffer: this.readBuffer,
      // One buffer serves every connection: each read is parsed before the next read can land in it.
      callback: (bytes: number, buffer: Uint8Array) => {
        if (connection.socket === socket && !reader.feed(buffer as Buffer, 0, bytes) && connection.socket === socket) {
          this.failAll(connection, 'protocol');
        }
        return true;
      },
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (connection.socket === socket) this.failAll(connection, causeOfSocketError(error));
    });
    socket.on('close', () => {
      if (connection.socket !== socket) return;
      reader.finish(); // a reply delimited by the close is complete now; its handler may reconnect
      if (connection.socket === socket) this.failAll(connection, 'closed');
    });
    connection.socket = socket;
    return socket;
  }

  private onResponse(connection: Connection, status: number, keepAlive: boolean): void {
    if (connection.inFlight === 0) {
      // A response nobody asked for: the stream is out of step with our requests.
      this.failAll(connection, 'protocol');
      return;
    }
    const slot = connection.oldest;
    connection.oldest = (slot + 1) % this.options.pipelining;
    connection.inFlight--;
    this.inFlightCount--;
    this.options.listener.onResponse(connection.intendedUs[slot]!, connection.sentUs[slot]!, this.options.clock.nowUs(), status);
    if (!keepAlive) this.failAll(connection, 'closed');
    else this.release(connection);
  }

  /** Fails every request in flight on `connection` with `cause` and drops its socket; the slot is reusable. */
  private failAll(connection: Connection, cause: ErrorCause): void {
    const socket = connection.socket;
    connection.socket = undefined;
    socket?.destroy();
    const failing = connection.inFlight;
    if (failing > 0) {
      const doneUs = this.options.clock.nowUs();
      const { listener, pipelining } = this.options;
      for (let i = 0; i < failing; i++) {
        const slot = (connection.oldest + i) % pipelining;
        listener.onFailure(connection.intendedUs[slot]!, connection.sentUs[slot]!, doneUs, cause);
      }
      connection.inFlight = 0;
      connection.oldest = 0;
      this.inFlightCount -= failing;
    }
    this.release(connection);
  }

  private release(connection: Connection): void {
    if (this.closed) return;
    if (connection.retiring) {
      if (connection.inFlight === 0) {
        this.retire(connection);
        this.options.listener.onSlotFree(); // nothing frees a slot here, but a draining run may now be done
      }
      return;
    }
    this.list(connection);
    this.options.listener.onSlotFree();
  }

  private list(connection: Connection): void {
    if (!connection.listed && !connection.retiring && connection.inFlight < this.options.pipelining) {
      connection.listed = true;
      this.available.push(connection);
    }
  }

  private retire(connection: Connection): void {
    connection.socket?.destroy();
    connection.socket = undefined;
    const index = this.connections.indexOf(connection);
    if (index >= 0) this.connections.splice(index, 1);
    this.unlist(connection);
  }

  private unlist(connection: Connection): void {
    if (!connection.listed) return;
    connection.listed = false;
    this.available.splice(this.available.indexOf(connection), 1);
  }
}
