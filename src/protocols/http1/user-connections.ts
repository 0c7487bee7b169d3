import { causeOfSocketError, type ErrorCause } from '../../metrics/causes.js';
import type { Clock } from '../../time/clock.js';
import type { SocketFactory } from '../connection-pool.js';
import type { Connections, ExchangeListener } from '../transport.js';
import { ResponseParser, type ResponseCapture } from './response-parser.js';

/** A response as a virtual user sees it; `error` is set (and status is 0) when none arrived. */
export interface HttpReply {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** From the send to the last byte. */
  durationMs: number;
  error?: ErrorCause;
}

const READ_BUFFER_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Keeps the bytes of one response for the user who asked (a virtual user's checks read status, headers and body). */
class CapturedResponse implements ResponseCapture {
  private headBytes: Buffer = EMPTY;
  private readonly bodyParts: Buffer[] = [];

  head(buffer: Buffer, start: number, end: number): void {
    this.headBytes = Buffer.from(buffer.subarray(start, end));
    this.bodyParts.length = 0;
  }

  body(buffer: Buffer, start: number, end: number): void {
    if (end > start) this.bodyParts.push(Buffer.from(buffer.subarray(start, end)));
  }

  take(): { headers: Record<string, string>; body: Buffer } {
    const headers: Record<string, string> = {};
    // The status line comes first; header values are latin1 on the wire.
    for (const line of this.headBytes.toString('latin1').split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const body = this.bodyParts.length === 1 ? this.bodyParts[0]! : Buffer.concat(this.bodyParts);
    this.headBytes = EMPTY;
    this.bodyParts.length = 0;
    return { headers, body };
  }
}

interface Pending {
  sentUs: number;
  resolve: (reply: HttpReply) => void;
}

/**
 * One user's keep-alive HTTP/1.1 connection, as in Locust and k6 (each virtual user has its own): one
 * request at a time, reconnecting when the server closed it. It reads through its owner's shared buffer
 * and parser, the same path as the open model's pool, and keeps the response for the user.
 */
export class UserConnection {
  private socket: ReturnType<SocketFactory> | undefined;
  private parser: ResponseParser | undefined;
  private readonly captured = new CapturedResponse();
  private closed = false;
  pending: Pending | undefined;

  constructor(private readonly owner: UserConnections) {}

  /** Sends `request` (complete bytes) and resolves with the response, or with `error` set; it never rejects. */
  request(request: Buffer, head: boolean): Promise<HttpReply> {
    if (this.closed) throw new Error('the user was stopped, its connection is closed');
    if (this.pending) throw new Error('a virtual user sends one request at a time');
    const socket = this.socket ?? this.connect();
    this.parser!.headRequests = head;
    return new Promise<HttpReply>((resolve) => {
      const sentUs = this.owner.clock.nowUs();
      this.pending = { sentUs, resolve };
      this.owner.sent(sentUs);
      socket.write(request);
    });
  }

  /** Fails the request in flight (if any) with `cause` and drops the socket. */
  fail(cause: ErrorCause): void {
    const socket = this.socket;
    this.socket = undefined;
    this.parser = undefined;
    socket?.destroy();
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    const doneUs = this.owner.clock.nowUs();
    this.owner.failed(pending.sentUs, doneUs, cause);
    pending.resolve({ status: 0, headers: {}, body: EMPTY, durationMs: (doneUs - pending.sentUs) / 1000, error: cause });
  }

  /** Closes the connection; a request still in flight is abandoned unreported (the run is over), and its user resumes. */
  close(): void {
    this.closed = true;
    this.owner.forget(this);
    const pending = this.pending;
    this.pending = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    pending?.resolve({ status: 0, headers: {}, body: EMPTY, durationMs: 0, error: 'closed' });
  }

  private connect(): ReturnType<SocketFactory> {
    const parser = new ResponseParser((status, keepAlive, serviceUs) => this.onResponse(status, keepAlive, serviceUs), false, this.captured);
    const socket = this.owner.connect({
      buffer: this.owner.readBuffer,
      callback: (bytes: number, buffer: Uint8Array) => {
        if (this.socket === socket && !parser.feed(buffer as Buffer, 0, bytes) && this.socket === socket) this.fail('protocol');
        return true;
      },
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.socket === socket) this.fail(causeOfSocketError(error));
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      parser.finish(); // a response delimited by the close is complete now
      if (this.socket === socket) this.fail('closed');
    });
    this.socket = socket;
    this.parser = parser;
    return socket;
  }

  private onResponse(status: number, keepAlive: boolean, serviceUs: number): void {
    const pending = this.pending;
    if (!pending) {
      this.fail('protocol'); // an answer nobody asked for
      return;
    }
    this.pending = undefined;
    const doneUs = this.owner.clock.nowUs();
    const { headers, body } = this.captured.take();
    if (!keepAlive) {
      this.socket?.destroy();
      this.socket = undefined;
      this.parser = undefined;
    }
    this.owner.answered(pending.sentUs, doneUs, status, serviceUs);
    pending.resolve({ status, headers, body, durationMs: (doneUs - pending.sentUs) / 1000 });
  }
}

/**
 * Every virtual user's connection in a run: what the runner counts, times out and closes. Closed-model
 * requests are sent when the user is ready, so the intended time is the send time.
 */
export class UserConnections implements Connections {
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly open = new Set<UserConnection>();
  private inFlightCount = 0;
  private closed = false;

  constructor(
    readonly connect: SocketFactory,
    readonly clock: Clock,
    private readonly listener: ExchangeListener,
  ) {}

  /** A new connection for one user (the socket opens with its first request). */
  connection(): UserConnection {
    const connection = new UserConnection(this);
    this.open.add(connection);
    return connection;
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  expire(olderThanUs: number): void {
    for (const connection of this.open) {
      if (connection.pending && connection.pending.sentUs < olderThanUs) connection.fail('timeout');
    }
  }

  close(): void {
    this.closed = true;
    for (const connection of [...this.open]) connection.close();
    this.inFlightCount = 0;
  }

  isClosed(): boolean {
    return this.closed;
  }

  sent(sentUs: number): void {
    this.inFlightCount++;
    this.listener.onSent(sentUs, sentUs);
  }

  answered(sentUs: number, doneUs: number, status: number, serviceUs: number): void {
    this.inFlightCount--;
    this.listener.onResponse(sentUs, sentUs, doneUs, status, serviceUs);
    this.listener.onSlotFree();
  }

  failed(sentUs: number, doneUs: number, cause: ErrorCause): void {
    this.inFlightCount--;
    this.listener.onFailure(sentUs, sentUs, doneUs, cause);
    this.listener.onSlotFree();
  }

  forget(connection: UserConnection): void {
    if (connection.pending) this.inFlightCount--;
    this.open.delete(connection);
  }
}
