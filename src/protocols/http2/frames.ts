/** HTTP/2 framing (RFC 9113 §4, §6): frame types, flags and settings salvo uses, and an incremental frame reader. */

export const FRAME_HEADER_BYTES = 9;

export enum FrameType {
  Data = 0x0,
  Headers = 0x1,
  Priority = 0x2,
  RstStream = 0x3,
  Settings = 0x4,
  PushPromise = 0x5,
  Ping = 0x6,
  Goaway = 0x7,
  WindowUpdate = 0x8,
  Continuation = 0x9,
}

export enum Flag {
  /** DATA, HEADERS */
  EndStream = 0x1,
  /** SETTINGS, PING */
  // biome-ignore lint/suspicious/noDuplicateEnumValues: flags are per frame type, so END_STREAM and ACK share bit 0x1 (RFC 9113)
  Ack = 0x1,
  /** HEADERS, CONTINUATION */
  EndHeaders = 0x4,
  /** DATA, HEADERS */
  Padded = 0x8,
  /** HEADERS */
  Priority = 0x20,
}

export enum Setting {
  HeaderTableSize = 0x1,
  EnablePush = 0x2,
  MaxConcurrentStreams = 0x3,
  InitialWindowSize = 0x4,
  MaxFrameSize = 0x5,
}

export enum ErrorCode {
  NoError = 0x0,
  ProtocolError = 0x1,
  FlowControlError = 0x3,
  FrameSizeError = 0x6,
  Cancel = 0x8,
  CompressionError = 0x9,
}

/** SETTINGS_MAX_FRAME_SIZE's default, which salvo never raises: no frame it receives may be longer. */
export const MAX_FRAME_BYTES = 16384;
/** Windows start at this until SETTINGS say otherwise (RFC 9113 §6.9.2). */
export const DEFAULT_WINDOW_BYTES = 65535;
export const MAX_WINDOW_BYTES = 0x7fffffff;
export const MAX_STREAM_ID = 0x7fffffff;

/** What the frame reader hands on. Payloads are views into a buffer that the next read reuses: use them during the call only. */
export interface FrameHandler {
  /** A complete header block (HEADERS plus any CONTINUATION, padding and priority stripped). */
  onHeaders(streamId: number, endStream: boolean, block: Buffer, start: number, end: number): boolean;
  /** A DATA frame has been read whole; `flowBytes` is its length, padding included, as flow control counts it. */
  onData(streamId: number, flowBytes: number, endStream: boolean): boolean;
  /** Part of a DATA frame's content (padding left out), as it arrives; called only by a reader made with `readsData`. */
  onDataBytes?(streamId: number, bytes: Buffer, start: number, end: number): void;
  /** Any other complete frame. */
  onFrame(type: number, flags: number, streamId: number, payload: Buffer, start: number, end: number): boolean;
}

enum ReadState {
  Header,
  Payload,
  /** A DATA payload: counted, never kept (a load generator drops bodies). */
  Data,
}

/**
 * Splits a connection's bytes into frames. A frame inside one read is handed on in place; only a
 * frame split across reads is copied, and DATA payloads never are. HEADERS and their CONTINUATION
 * frames are joined into one block, since HPACK decodes a block as a whole.
 */
export class FrameReader {
  private state = ReadState.Header;
  private readonly header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  private headerBytes = 0;
  private type = 0;
  private flags = 0;
  private streamId = 0;
  private length = 0;
  /** A frame payload split across reads, gathered here. */
  private payload: Buffer | undefined;
  private payloadBytes = 0;
  private dataRemaining = 0;
  /** A padded DATA frame's padding length, once its first byte has been read. */
  private dataPadding = 0;
  /** A header block waiting for its CONTINUATION frames: its stream (0 when none is open) and bytes. */
  private blockStreamId = 0;
  private blockEndStream = false;
  private block: Buffer | undefined;
  private blockBytes = 0;

  /** `readsData`: DATA content is handed to `onDataBytes`; otherwise it is only counted. */
  constructor(
    private readonly handler: FrameHandler,
    private readonly readsData = false,
  ) {}

  /** Reads `data[start, end)`; false on a connection error (the handler refused a frame, or the framing is wrong). */
  feed(data: Buffer, start: number, end: number): boolean {
    let position = start;
    while (position < end) {
      switch (this.state) {
        case ReadState.Header: {
          if (this.headerBytes === 0 && end - position >= FRAME_HEADER_BYTES) {
            if (!this.startFrame(data, position)) return false;
            position += FRAME_HEADER_BYTES;
          } else {
            const take = Math.min(FRAME_HEADER_BYTES - this.headerBytes, end - position);
            data.copy(this.header, this.headerBytes, position, position + take);
            this.headerBytes += take;
            position += take;
            if (this.headerBytes < FRAME_HEADER_BYTES) break;
            this.headerBytes = 0;
            if (!this.startFrame(this.header, 0)) return false;
          }
          break;
        }
        case ReadState.Data: {
          const take = Math.min(this.dataRemaining, end - position);
          if (this.readsData) this.dataContent(data, position, position + take);
          this.dataRemaining -= take;
          position += take;
          if (this.dataRemaining === 0 && !this.endData()) return false;
          break;
        }
        case ReadState.Payload: {
          if (this.payloadBytes === 0 && end - position >= this.length) {
            const from = position;
            position += this.length;
            if (!this.endFrame(data, from, position)) return false;
            break;
          }
          const take = Math.min(this.length - this.payloadBytes, end - position);
          this.payload ??= Buffer.allocUnsafe(MAX_FRAME_BYTES);
          data.copy(this.payload, this.payloadBytes, position, position + take);
          this.payloadBytes += take;
          position += take;
          if (this.payloadBytes === this.length) {
            this.payloadBytes = 0;
            if (!this.endFrame(this.payload, 0, this.length)) return false;
          }
          break;
        }
      }
    }
    return true;
  }

  private startFrame(bytes: Buffer, at: number): boolean {
    this.length = bytes.readUIntBE(at, 3);
    this.type = bytes[at + 3]!;
    this.flags = bytes[at + 4]!;
    this.streamId = bytes.readUInt32BE(at + 5) & MAX_STREAM_ID;
    if (this.length > MAX_FRAME_BYTES) return false;
    // Between HEADERS and its END_HEADERS only CONTINUATION frames of that stream may come (RFC 9113 §6.10).
    if ((this.blockStreamId !== 0) !== (this.type === FrameType.Continuation) || (this.blockStreamId !== 0 && this.streamId !== this.blockStreamId))
      return false;
    if (this.type === FrameType.Data) {
      this.state = ReadState.Data;
      this.dataRemaining = this.length;
      // A frame with nothing after its header is complete now.
      return this.length > 0 || this.endData();
    }
    this.state = ReadState.Payload;
    return this.length > 0 || this.endFrame(bytes, at, at);
  }

  /** Hands on `bytes[start, end)`, the next bytes of the DATA frame's payload, less its padding. */
  private dataContent(bytes: Buffer, start: number, end: number): void {
    let offset = this.length - this.dataRemaining;
    let from = start;
    if (this.flags & Flag.Padded) {
      if (offset === 0) {
        this.dataPadding = bytes[from++]!;
        offset++;
      }
      // The content is what lies between the padding's length byte and the padding.
      const contentEnd = this.length - this.dataPadding;
      const until = Math.min(end, from + (contentEnd - offset));
      if (until > from) this.handler.onDataBytes!(this.streamId, bytes, from, until);
      return;
    }
    if (end > from) this.handler.onDataBytes!(this.streamId, bytes, from, end);
  }

  private endData(): boolean {
    this.state = ReadState.Header;
    return this.handler.onData(this.streamId, this.length, (this.flags & Flag.EndStream) !== 0);
  }

  private endFrame(payload: Buffer, start: number, end: number): boolean {
    this.state = ReadState.Header;
    const flags = this.flags;
    if (this.type === FrameType.Headers) {
      if (this.streamId === 0) return false;
      let from = start;
      let until = end;
      if (flags & Flag.Padded) {
        if (from >= until) return false;
        const padding = payload[from++]!;
        until -= padding;
      }
      if (flags & Flag.Priority) from += 5;
      if (from > until) return false;
      const endStream = (flags & Flag.EndStream) !== 0;
      if (flags & Flag.EndHeaders) return this.handler.onHeaders(this.streamId, endStream, payload, from, until);
      this.blockStreamId = this.streamId;
      this.blockEndStream = endStream;
      this.blockBytes = 0;
      this.appendBlock(payload, from, until);
      return true;
    }
    if (this.type === FrameType.Continuation) {
      this.appendBlock(payload, start, end);
      if ((flags & Flag.EndHeaders) === 0) return true;
      const streamId = this.blockStreamId;
      this.blockStreamId = 0;
      return this.handler.onHeaders(streamId, this.blockEndStream, this.block!, 0, this.blockBytes);
    }
    return this.handler.onFrame(this.type, flags, this.streamId, payload, start, end);
  }

  private appendBlock(payload: Buffer, start: number, end: number): void {
    const needed = this.blockBytes + (end - start);
    if (this.block === undefined || this.block.length < needed) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * (this.block?.length ?? MAX_FRAME_BYTES)));
      this.block?.copy(grown, 0, 0, this.blockBytes);
      this.block = grown;
    }
    payload.copy(this.block, this.blockBytes, start, end);
    this.blockBytes = needed;
  }
}

/**
 * Outgoing bytes of one connection, gathered while the event loop turns and written once: every
 * frame of a turn (new streams' HEADERS, WINDOW_UPDATEs, acks) leaves in one write, as h2load does.
 */
export class FrameWriter {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  length = 0;

  /** Room for `bytes` more; returns the offset to write at. */
  reserve(bytes: number): number {
    const at = this.length;
    if (at + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(at + bytes, 2 * this.buffer.length));
      this.buffer.copy(grown, 0, 0, at);
      this.buffer = grown;
    }
    this.length = at + bytes;
    return at;
  }

  /** Appends a frame header; the payload follows at the returned offset. */
  frame(type: FrameType, flags: number, streamId: number, payloadBytes: number): number {
    const at = this.reserve(FRAME_HEADER_BYTES + payloadBytes);
    const buffer = this.buffer;
    buffer.writeUIntBE(payloadBytes, at, 3);
    buffer[at + 3] = type;
    buffer[at + 4] = flags;
    buffer.writeUInt32BE(streamId, at + 5);
    return at + FRAME_HEADER_BYTES;
  }

  /** The buffer frames are written into; valid until the next reserve. */
  bytes(): Buffer {
    return this.buffer;
  }

  /** Takes what was gathered as its own Buffer (a socket may hold it after write returns) and starts over. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buffer.copy(out, 0, 0, this.length);
    this.length = 0;
    return out;
  }
}
