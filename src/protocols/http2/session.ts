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
import { HpackDecoder } from './hpack.js';
import { NO_SERVICE_TIME } from '../server-timing.js';

/** What a session tells its pool: each stream's end, and changes in how many streams it can take. */
export interface SessionOwner {
  /** A stream ended: answered with `status` (and the service time it carried, or NO_SERVICE_TIME), or failed with `cause`. */
  streamEnded(session: Http2Session, intendedUs: number, sentUs: number, status: number, cause: ErrorCause | undefined, serviceUs: number): void;
  /** The server changed what the session can take (SETTINGS), or stopped it taking more (GOAWAY). */
  capacityChanged(session: Http2Session): void;
}

export interface SessionRequest {
  /** The request's header block, encoded once (encodeHeaderBlock): only the stream id differs per stream. */
  headerBlock: Buffer;
  body: Buffer | undefined;
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

/**
 * One HTTP/2 connection from the client side (RFC 9113): streams in slots of typed arrays, requests
 * from one prebuilt header block, responses read down to their :status and END_STREAM. Frames it
 * sends during a turn of the event loop leave in one write.
 */
export class Http2Session implements FrameHandler {
  socket: Socket | undefined;
  readonly reader = new FrameReader(this);
  private readonly writer = new FrameWriter();
  private readonly decoder = new HpackDecoder();
  private readonly flushLater = (): void => this.flush();
  private flushScheduled = false;

  // One slot per stream in flight; `slotOf` maps stream ids to slots.
  private readonly streamIds: Int32Array;
  private readonly intendedUs: Float64Array;
  private readonly sentUs: Float64Array;
  private readonly status: Int32Array;
  /** The service time the response's headers or trailers carried (µs), or NO_SERVICE_TIME. */
  private readonly serviceUs: Float64Array;
  /** Body bytes sent so far, and what the server still lets the stream send. */
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
    this.streamIds = new Int32Array(slots);
    this.intendedUs = new Float64Array(slots);
    this.sentUs = new Float64Array(slots);
    this.status = new Int32Array(slots);
    this.serviceUs = new Float64Array(slots);
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
    return this.socket !== undefined && !this.goaway && this.inFlight < this.limit && this.nextStreamId <= MAX_STREAM_ID;
  }

  /** True when no stream can ever start on this connection again (GOAWAY, or stream ids used up). */
  spent(): boolean {
    return this.goaway || this.nextStreamId > MAX_STREAM_ID;
  }

  /** Opens a stream for one request; the caller checked canSend. */
  send(intendedUs: number, sentUs: number): void {
    const slot = this.freeSlots[--this.freeCount]!;
    const streamId = this.nextStreamId;
    this.nextStreamId += 2;
    this.streamIds[slot] = streamId;
    this.intendedUs[slot] = intendedUs;
    this.sentUs[slot] = sentUs;
    this.status[slot] = 0;
    this.serviceUs[slot] = NO_SERVICE_TIME;
    this.received[slot] = 0;
    this.slotOf.set(streamId, slot);
    this.inFlight++;
    const { headerBlock, body } = this.request;
    const hasBody = body !== undefined && body.length > 0;
    const at = this.writer.frame(FrameType.Headers, hasBody ? Flag.EndHeaders : Flag.EndHeaders | Flag.EndStream, streamId, headerBlock.length);
    headerBlock.copy(this.writer.bytes(), at);
    if (hasBody) {
      this.bodySent[slot] = 0;
      this.sendWindow[slot] = this.peerInitialWindow;
      this.waitingBody.push(slot);
      this.sendBodies();
    }
    this.scheduleFlush();
  }

  /** Cancels (RST_STREAM CANCEL) every stream sent before `olderThanUs`, reporting each as `timeout`. */
  expire(olderThanUs: number): void {
    if (this.inFlight === 0) return;
    for (const [streamId, slot] of this.slotOf) {
      if (this.sentUs[slot]! >= olderThanUs) continue;
      this.rstStream(streamId, ErrorCode.Cancel);
      this.end(streamId, slot, 0, 'timeout');
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
    if (this.status[slot] === 0) {
      if (status >= 100 && status < 200) return true; // informational: the final response is still to come
      if (status === 0) {
        this.rstStream(streamId, ErrorCode.ProtocolError);
        this.end(streamId, slot, 0, 'protocol');
        return true;
      }
      this.status[slot] = status;
    }
    if (this.serviceUs[slot] === NO_SERVICE_TIME) this.serviceUs[slot] = this.decoder.serviceUs;
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

  private finishResponse(streamId: number, slot: number): void {
    // The server answered before taking the whole body: stop sending it (RFC 9113 §8.1).
    if (this.bodySent[slot]! < (this.request.body?.length ?? 0)) this.rstStream(streamId, ErrorCode.Cancel);
    this.end(streamId, slot, this.status[slot]!, undefined);
  }

  private end(streamId: number, slot: number, status: number, cause: ErrorCause | undefined): void {
    this.slotOf.delete(streamId);
    this.freeSlots[this.freeCount++] = slot;
    this.inFlight--;
    if (this.request.body !== undefined) {
      const waiting = this.waitingBody.indexOf(slot);
      if (waiting >= 0) this.waitingBody.splice(waiting, 1);
    }
    this.owner.streamEnded(this, this.intendedUs[slot]!, this.sentUs[slot]!, status, cause, this.serviceUs[slot]!);
  }

  /** Sends as much of the waiting bodies as the windows allow, oldest stream first. */
  private sendBodies(): void {
    const body = this.request.body;
    if (body === undefined) return;
    while (this.waitingBody.length > 0 && this.connectionSendWindow > 0) {
      const slot = this.waitingBody[0]!;
      const sent = this.bodySent[slot]!;
      const chunk = Math.min(body.length - sent, this.sendWindow[slot]!, this.connectionSendWindow, this.peerMaxFrame);
      if (chunk <= 0) return;
      const last = sent + chunk === body.length;
      const at = this.writer.frame(FrameType.Data, last ? Flag.EndStream : 0, this.streamIds[slot]!, chunk);
      body.copy(this.writer.bytes(), at, sent, sent + chunk);
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
