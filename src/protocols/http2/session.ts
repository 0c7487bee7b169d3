import type { Socket } from 'node:net';
import type { ErrorCause } from '../../metrics/causes.js';
import {
  DEFAULT_WINDOW_BYTES,
  ErrorCode,
  Flag,
  FrameReader,
  FrameType,
  FrameWriter,
  MAX_FRAME_BYTES,
  MAX_STREAM_ID,
  MAX_WINDOW_BYTES,
  Setting,
  type FrameHandler,
} from './frames.js';
import { NO_SERVICE_TIME, SERVER_TIMING, serviceUsOf } from '../server-timing.js';
import type { StreamDialect } from './dialect.js';
import { ABSENT, HEADER_TABLE_BYTES, HpackDecoder, type ResponseField } from './hpack.js';

/** What a session tells its pool: each stream's end, and changes in how many streams it can take. */
export interface SessionOwner {
  /** A stream ended: answered with `status` (the server's service time `serviceUs`, or NO_SERVICE_TIME), or failed with `cause`. */
  streamEnded(session: Http2Session, intendedUs: number, sentUs: number, status: number, cause: ErrorCause | undefined, serviceUs: number): void;
  /** The server changed what the session can take (SETTINGS), or stopped it taking more (GOAWAY). */
  capacityChanged(session: Http2Session): void;
}

export interface SessionRequest {
  /** What each stream sends, and how its answer is judged. */
  dialect: StreamDialect;
  /** Our most streams at once; the server's SETTINGS_MAX_CONCURRENT_STREAMS lowers it. */
  streams: number;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/**
 * What the server may send before waiting for a WINDOW_UPDATE, per stream and per connection: large,
 * so that responses never stall on flow control, and topped up once half is used.
 */
const RECEIVE_WINDOW_BYTES = 1 << 24;
/** SETTINGS: no server push (a load generator wants none); the large stream window. */
const CLIENT_SETTINGS: readonly [Setting, number][] = [
  [Setting.EnablePush, 0],
  [Setting.InitialWindowSize, RECEIVE_WINDOW_BYTES],
];
/** Server-Timing, read from every answer (a header in HTTP, a trailer in gRPC): the server's own time for the request. */
const SERVICE_TIME_FIELD: ResponseField = { name: SERVER_TIMING, parse: serviceUsOf };
/**
 * Bytes of each answer's body kept for a dialect that reads its service time there (a gRPC reply's
 * serviceMs field): room for a reply that carries little else. A longer body is not read, so its
 * service time is the trailer's or none.
 */
export const SCANNED_BODY_BYTES = 256;

/**
 * One HTTP/2 connection from the client side (RFC 9113): streams in slots of typed arrays, requests
 * from one prebuilt header block, responses read down to their :status, the few fields the dialect
 * judges them by, the service time and END_STREAM. Frames it sends during a turn of the event loop
 * leave in one write.
 */
export class Http2Session implements FrameHandler {
  socket: Socket | undefined;
  readonly reader: FrameReader;
  private readonly writer = new FrameWriter();
  private readonly dialect: StreamDialect;
  private readonly decoder: HpackDecoder;
  private readonly flushLater = (): void => this.flush();
  private flushScheduled = false;

  // One slot per stream in flight; `slotOf` maps stream ids to slots.
  private readonly streamIds: Int32Array;
  private readonly intendedUs: Float64Array;
  private readonly sentUs: Float64Array;
  private readonly status: Int32Array;
  private readonly serviceUs: Float64Array;
  /** Each stream's first SCANNED_BODY_BYTES of body, when the dialect reads the service time there, and its whole length. */
  private readonly bodyKept: Buffer | undefined;
  private readonly bodyLength: Int32Array;
  /** The dialect's fields, `fieldCount` per slot: what the answer said so far (ABSENT until it says it). */
  private readonly fieldCount: number;
  private readonly fieldValues: Float64Array;
  /** Each stream's body (undefined: none), the bytes of it sent so far, and what the server still lets the stream send. */
  private readonly bodies: (Buffer | undefined)[];
  private readonly bodySent: Float64Array;
  private readonly sendWindow: Float64Array;
  /** Bytes received since the stream's window was last topped up. */
  private readonly received: Float64Array;
  private readonly freeSlots: Int32Array;
  private freeCount: number;
  private readonly slotOf = new Map<number, number>();
  /** Slots whose body waits for flow-control window, oldest first. */
  private readonly waitingBody: number[] = [];

  inFlight = 0;
  /** Streams allowed at once: one until the server's SETTINGS say how many (a stream sent beyond its limit would be refused). */
  limit = 1;
  private nextStreamId = 1;
  private sentThisTurn = 0;
  private connectionSendWindow = DEFAULT_WINDOW_BYTES;
  private connectionReceived = 0;
  private peerInitialWindow = DEFAULT_WINDOW_BYTES;
  private peerMaxFrame = MAX_FRAME_BYTES;
  private settingsReceived = false;
  /** Set by GOAWAY: streams above `lastStreamId` were never processed, and no new ones may start. */
  goaway = false;
  private lastStreamId = MAX_STREAM_ID;

  // The pool's bookkeeping.
  listed = false;
  retiring = false;

  constructor(
    private readonly request: SessionRequest,
    private readonly owner: SessionOwner,
  ) {
    const slots = request.streams;
    this.dialect = request.dialect;
    this.fieldCount = this.dialect.fields.length;
    this.decoder = new HpackDecoder(HEADER_TABLE_BYTES, [SERVICE_TIME_FIELD, ...this.dialect.fields]);
    const readsBody = this.dialect.bodyServiceUs !== undefined;
    this.reader = new FrameReader(this, readsBody);
    this.bodyKept = readsBody ? Buffer.allocUnsafe(slots * SCANNED_BODY_BYTES) : undefined;
    this.bodyLength = new Int32Array(readsBody ? slots : 0);
    this.streamIds = new Int32Array(slots);
    this.intendedUs = new Float64Array(slots);
    this.sentUs = new Float64Array(slots);
    this.status = new Int32Array(slots);
    this.serviceUs = new Float64Array(slots);
    this.fieldValues = new Float64Array(slots * this.fieldCount);
    this.bodies = new Array<Buffer | undefined>(slots).fill(undefined);
    this.bodySent = new Float64Array(slots);
    this.sendWindow = new Float64Array(slots);
    this.received = new Float64Array(slots);
    this.freeSlots = new Int32Array(slots);
    for (let i = 0; i < slots; i++) this.freeSlots[i] = slots - 1 - i;
    this.freeCount = slots;
  }

  /** Starts the connection: preface, SETTINGS, and the connection's receive window opened wide. */
  start(socket: Socket): void {
    this.socket = socket;
    const writer = this.writer;
    PREFACE.copy(writer.bytes(), writer.reserve(PREFACE.length));
    let at = writer.frame(FrameType.Settings, 0, 0, 6 * CLIENT_SETTINGS.length);
    for (const [id, value] of CLIENT_SETTINGS) {
      writer.bytes().writeUInt16BE(id, at);
      writer.bytes().writeUInt32BE(value, at + 2);
      at += 6;
    }
    this.windowUpdate(0, RECEIVE_WINDOW_BYTES - DEFAULT_WINDOW_BYTES);
  }

  /** True when another stream may start now. */
  canSend(): boolean {
    return (
      this.socket !== undefined && !this.goaway && this.inFlight < this.limit && this.sentThisTurn < this.turnQuota() && this.nextStreamId <= MAX_STREAM_ID
    );
  }

  /** A new turn of the event loop: the session may open its quota of streams again. */
  newTurn(): void {
    this.sentThisTurn = 0;
  }

  /**
   * Most streams the session opens in one turn of the event loop: half its limit. The streams opened
   * in a turn leave in one write, and a server answers one read in one write, so a connection whose
   * streams all left together stays a single batch played ping-pong: the server idles while the
   * client handles the answers and the client idles while the server works. Split in two, one half
   * is served while the other is handled.
   */
  private turnQuota(): number {
    return Math.ceil(this.limit / 2);
  }

  /** True when no stream can ever start on this connection again (GOAWAY, or stream ids used up). */
  spent(): boolean {
    return this.goaway || this.nextStreamId > MAX_STREAM_ID;
  }

  /** Opens a stream for one request; the caller checked canSend. */
  send(intendedUs: number, sentUs: number): void {
    const slot = this.freeSlots[--this.freeCount]!;
    this.sentThisTurn++;
    const streamId = this.nextStreamId;
    this.nextStreamId += 2;
    this.streamIds[slot] = streamId;
    this.intendedUs[slot] = intendedUs;
    this.sentUs[slot] = sentUs;
    this.status[slot] = 0;
    this.serviceUs[slot] = NO_SERVICE_TIME;
    if (this.bodyKept !== undefined) this.bodyLength[slot] = 0;
    this.fieldValues.fill(ABSENT, slot * this.fieldCount, (slot + 1) * this.fieldCount);
    this.received[slot] = 0;
    this.slotOf.set(streamId, slot);
    this.inFlight++;
    const { headerBlock } = this.dialect;
    const body = this.dialect.nextBody();
    const hasBody = body !== undefined && body.length > 0;
    this.bodies[slot] = hasBody ? body : undefined;
    const at = this.writer.frame(FrameType.Headers, hasBody ? Flag.EndHeaders : Flag.EndHeaders | Flag.EndStream, streamId, headerBlock.length);
    // set, not copy: Buffer#copy makes a view of the source on every call.
    this.writer.bytes().set(headerBlock, at);
    if (hasBody) {
      this.bodySent[slot] = 0;
      this.sendWindow[slot] = this.peerInitialWindow;
      this.waitingBody.push(slot);
      this.sendBodies();
    }
    this.scheduleFlush();
  }

  /** Cancels (RST_STREAM CANCEL) every stream sent before `olderThanUs`, reporting each as failed with `cause`. */
  expire(olderThanUs: number, cause: ErrorCause): void {
    if (this.inFlight === 0) return;
    for (const [streamId, slot] of this.slotOf) {
      if (this.sentUs[slot]! >= olderThanUs) continue;
      this.rstStream(streamId, ErrorCode.Cancel);
      this.end(streamId, slot, 0, cause);
    }
  }

  /** Reports every stream in flight as failed with `cause`; the connection is finished. */
  failAll(cause: ErrorCause): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    for (const [streamId, slot] of this.slotOf) this.end(streamId, slot, 0, cause);
  }

  /** Closes the connection without reporting its streams (the pool is closing or the session is done). */
  destroy(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  onHeaders(streamId: number, endStream: boolean, block: Buffer, start: number, end: number): boolean {
    // Every block is decoded, even for a stream given up on: the HPACK table must stay in step with the server's.
    const status = this.decoder.decode(block, start, end);
    if (status < 0) return this.connectionError(ErrorCode.CompressionError);
    const slot = this.slotOf.get(streamId);
    if (slot === undefined) return true;
    this.keepFields(slot);
    if (this.status[slot] === 0) {
      if (status >= 100 && status < 200) return true; // informational: the final response is still to come
      if (status === 0) {
        this.rstStream(streamId, ErrorCode.ProtocolError);
        this.end(streamId, slot, 0, 'protocol');
        return true;
      }
      this.status[slot] = status;
    }
    // A block after the response's own is its trailers, which end the stream.
    if (endStream) this.finishResponse(streamId, slot);
    return true;
  }

  onData(streamId: number, flowBytes: number, endStream: boolean): boolean {
    this.connectionReceived += flowBytes;
    if (this.connectionReceived >= RECEIVE_WINDOW_BYTES / 2) {
      this.windowUpdate(0, this.connectionReceived);
      this.connectionReceived = 0;
    }
    const slot = this.slotOf.get(streamId);
    if (slot === undefined) return true;
    if (this.status[slot] === 0) {
      // DATA before the response's headers.
      this.rstStream(streamId, ErrorCode.ProtocolError);
      this.end(streamId, slot, 0, 'protocol');
      return true;
    }
    if (endStream) {
      this.finishResponse(streamId, slot);
    } else if ((this.received[slot] += flowBytes) >= RECEIVE_WINDOW_BYTES / 2) {
      this.windowUpdate(streamId, this.received[slot]!);
      this.received[slot] = 0;
    }
    return true;
  }

  onDataBytes(streamId: number, bytes: Buffer, start: number, end: number): void {
    const slot = this.slotOf.get(streamId);
    if (slot === undefined) return;
    const length = this.bodyLength[slot]!;
    const total = length + (end - start);
    this.bodyLength[slot] = total;
    if (total > SCANNED_BODY_BYTES) return;
    // Byte by byte: Buffer#copy and subarray would make a view of `bytes` on every call.
    const kept = this.bodyKept!;
    for (let from = start, to = slot * SCANNED_BODY_BYTES + length; from < end; from++, to++) kept[to] = bytes[from]!;
  }

  onFrame(type: number, flags: number, streamId: number, payload: Buffer, start: number, end: number): boolean {
    const length = end - start;
    switch (type) {
      case FrameType.Settings:
        if (streamId !== 0) return this.connectionError(ErrorCode.ProtocolError);
        if (flags & Flag.Ack) return length === 0 || this.connectionError(ErrorCode.FrameSizeError);
        return this.applySettings(payload, start, end);
      case FrameType.Ping:
        if (length !== 8 || streamId !== 0) return this.connectionError(ErrorCode.ProtocolError);
        if ((flags & Flag.Ack) === 0) {
          const at = this.writer.frame(FrameType.Ping, Flag.Ack, 0, 8);
          payload.copy(this.writer.bytes(), at, start, end);
          this.scheduleFlush();
        }
        return true;
      case FrameType.WindowUpdate: {
        if (length !== 4) return this.connectionError(ErrorCode.FrameSizeError);
        const increment = payload.readUInt32BE(start) & MAX_WINDOW_BYTES;
        if (streamId === 0) {
          this.connectionSendWindow += increment;
          if (this.connectionSendWindow > MAX_WINDOW_BYTES) return this.connectionError(ErrorCode.FlowControlError);
        } else {
          const slot = this.slotOf.get(streamId);
          if (slot === undefined) return true;
          this.sendWindow[slot] += increment;
        }
        this.sendBodies();
        return true;
      }
      case FrameType.RstStream: {
        if (length !== 4 || streamId === 0) return this.connectionError(ErrorCode.ProtocolError);
        const slot = this.slotOf.get(streamId);
        // After GOAWAY a server resets the streams it will not process: they are lost to the GOAWAY.
        if (slot !== undefined) this.end(streamId, slot, 0, this.goaway ? 'goaway' : 'rst_stream');
        return true;
      }
      case FrameType.Goaway:
        if (length < 8 || streamId !== 0) return this.connectionError(ErrorCode.ProtocolError);
        this.onGoaway(payload.readUInt32BE(start) & MAX_STREAM_ID);
        return true;
      case FrameType.PushPromise:
        // SETTINGS_ENABLE_PUSH is 0: a push is a protocol error (RFC 9113 §8.4).
        return this.connectionError(ErrorCode.ProtocolError);
      default:
        return true; // PRIORITY and unknown types are ignored (RFC 9113 §4.1, §5.5)
    }
  }

  private applySettings(payload: Buffer, start: number, end: number): boolean {
    if ((end - start) % 6 !== 0) return this.connectionError(ErrorCode.FrameSizeError);
    let serverLimit = -1;
    for (let at = start; at < end; at += 6) {
      const id = payload.readUInt16BE(at);
      const value = payload.readUInt32BE(at + 2);
      switch (id) {
        case Setting.MaxConcurrentStreams:
          serverLimit = value;
          break;
        case Setting.InitialWindowSize: {
          if (value > MAX_WINDOW_BYTES) return this.connectionError(ErrorCode.FlowControlError);
          // The change applies to every open stream's window too (RFC 9113 §6.9.2).
          const delta = value - this.peerInitialWindow;
          this.peerInitialWindow = value;
          for (const slot of this.waitingBody) this.sendWindow[slot] += delta;
          break;
        }
        case Setting.MaxFrameSize:
          if (value < MAX_FRAME_BYTES || value > 0xffffff) return this.connectionError(ErrorCode.ProtocolError);
          this.peerMaxFrame = value;
          break;
        default:
          break; // HEADER_TABLE_SIZE only bounds an encoder's dynamic table, and salvo's uses none
      }
    }
    if (serverLimit >= 0) this.limit = Math.max(1, Math.min(this.request.streams, serverLimit));
    else if (!this.settingsReceived) this.limit = this.request.streams; // no limit from the server: ours
    this.settingsReceived = true;
    this.writer.frame(FrameType.Settings, Flag.Ack, 0, 0);
    this.sendBodies();
    this.scheduleFlush();
    this.owner.capacityChanged(this);
    return true;
  }

  private onGoaway(lastStreamId: number): void {
    this.goaway = true;
    this.lastStreamId = Math.min(this.lastStreamId, lastStreamId);
    for (const [streamId, slot] of this.slotOf) if (streamId > this.lastStreamId) this.end(streamId, slot, 0, 'goaway');
    this.owner.capacityChanged(this);
  }

  /** What the block decoded last says of the stream in `slot`: its service time and the dialect's fields, where it carries them. */
  private keepFields(slot: number): void {
    const { decoder } = this;
    // The first service time the answer carries counts, as over HTTP/1.1.
    if (this.serviceUs[slot] === NO_SERVICE_TIME) this.serviceUs[slot] = decoder.value(0);
    for (let field = 0, at = slot * this.fieldCount; field < this.fieldCount; field++, at++) {
      const value = decoder.value(field + 1);
      if (value !== ABSENT) this.fieldValues[at] = value;
    }
  }

  private finishResponse(streamId: number, slot: number): void {
    const body = this.bodies[slot];
    // The server answered before taking the whole body: stop sending it (RFC 9113 §8.1).
    if (body !== undefined && this.bodySent[slot]! < body.length) this.rstStream(streamId, ErrorCode.Cancel);
    if (this.serviceUs[slot] === NO_SERVICE_TIME && this.bodyKept !== undefined && this.bodyLength[slot]! <= SCANNED_BODY_BYTES) {
      const at = slot * SCANNED_BODY_BYTES;
      this.serviceUs[slot] = this.dialect.bodyServiceUs!(this.bodyKept, at, at + this.bodyLength[slot]!);
    }
    const outcome = this.dialect.judge(this.status[slot]!, this.fieldValues, slot * this.fieldCount);
    if (typeof outcome === 'number') this.end(streamId, slot, outcome, undefined);
    else this.end(streamId, slot, 0, outcome);
  }

  private end(streamId: number, slot: number, status: number, cause: ErrorCause | undefined): void {
    this.slotOf.delete(streamId);
    this.freeSlots[this.freeCount++] = slot;
    this.inFlight--;
    if (this.bodies[slot] !== undefined) {
      this.bodies[slot] = undefined;
      const waiting = this.waitingBody.indexOf(slot);
      if (waiting >= 0) this.waitingBody.splice(waiting, 1);
    }
    this.owner.streamEnded(this, this.intendedUs[slot]!, this.sentUs[slot]!, status, cause, this.serviceUs[slot]!);
  }

  /** Sends as much of the waiting bodies as the windows allow, oldest stream first. */
  private sendBodies(): void {
    if (this.waitingBody.length === 0) return;
    while (this.waitingBody.length > 0 && this.connectionSendWindow > 0) {
      const slot = this.waitingBody[0]!;
      const body = this.bodies[slot]!;
      const sent = this.bodySent[slot]!;
      const chunk = Math.min(body.length - sent, this.sendWindow[slot]!, this.connectionSendWindow, this.peerMaxFrame);
      if (chunk <= 0) break;
      const last = sent + chunk === body.length;
      const at = this.writer.frame(FrameType.Data, last ? Flag.EndStream : 0, this.streamIds[slot]!, chunk);
      if (chunk === body.length) this.writer.bytes().set(body, at);
      else body.copy(this.writer.bytes(), at, sent, sent + chunk);
      this.bodySent[slot] = sent + chunk;
      this.sendWindow[slot] -= chunk;
      this.connectionSendWindow -= chunk;
      if (last) this.waitingBody.shift();
    }
    this.scheduleFlush();
  }

  private windowUpdate(streamId: number, increment: number): void {
    const at = this.writer.frame(FrameType.WindowUpdate, 0, streamId, 4);
    this.writer.bytes().writeUInt32BE(increment, at);
    this.scheduleFlush();
  }

  private rstStream(streamId: number, code: ErrorCode): void {
    const at = this.writer.frame(FrameType.RstStream, 0, streamId, 4);
    this.writer.bytes().writeUInt32BE(code, at);
    this.scheduleFlush();
  }

  /** A connection error: GOAWAY tells the server why (sent now: the pool closes the socket next), and the pool fails the streams as `protocol`. */
  private connectionError(code: ErrorCode): false {
    const at = this.writer.frame(FrameType.Goaway, 0, 0, 8);
    this.writer.bytes().writeUInt32BE(0, at); // last stream id: the server initiates none that we process
    this.writer.bytes().writeUInt32BE(code, at + 4);
    this.flush();
    return false;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After the current read or timer callback: everything it queued goes in one write.
    process.nextTick(this.flushLater);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.socket !== undefined && this.writer.length > 0) this.socket.write(this.writer.take());
  }
}
