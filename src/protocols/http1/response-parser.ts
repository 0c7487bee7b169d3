import { NO_SERVICE_TIME, SERVER_TIMING, serviceUsOf } from '../server-timing.js';

const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const HTTP_PREFIX = Buffer.from('HTTP/1.', 'latin1');
const CONTENT_LENGTH = Buffer.from('content-length', 'latin1');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding', 'latin1');
const CONNECTION = Buffer.from('connection', 'latin1');
const CHUNKED = Buffer.from('chunked', 'latin1');
const CLOSE = Buffer.from('close', 'latin1');
const KEEP_ALIVE = Buffer.from('keep-alive', 'latin1');
const SERVER_TIMING_NAME = Buffer.from(SERVER_TIMING, 'latin1');
/** A head larger than this is not an HTTP response worth waiting for. */
const MAX_HEAD_BYTES = 64 * 1024;

enum State {
  Head,
  Body,
  ChunkSize,
  ChunkExtension,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  UntilClose,
}

/**
 * Called once per complete final response; `keepAlive` false means the connection must not be reused;
 * `serviceUs` is the service time its Server-Timing header gave (µs), or NO_SERVICE_TIME.
 */
export type ResponseCallback = (status: number, keepAlive: boolean, serviceUs: number) => void;

/**
 * Where a parser that must keep the response (a virtual user's checks read it) hands over the bytes
 * as they pass: the final head once, then the body in pieces (chunked framing removed). The ranges are
 * only valid during the call, since reads reuse one buffer.
 */
export interface ResponseCapture {
  head(buffer: Buffer, start: number, end: number): void;
  body(buffer: Buffer, start: number, end: number): void;
}

/**
 * An incremental HTTP/1.1 response parser that reads only what a load generator needs: the status,
 * the framing (Content-Length, chunked, or until close), whether the connection stays open, and the
 * service time of a Server-Timing header.
 * It never decodes header values to strings; a head split across reads is the only copy it makes.
 */
export class ResponseParser {
  private state = State.Head;
  private partialHead: Buffer | undefined;
  private status = 0;
  private keepAlive = true;
  private serviceUs = NO_SERVICE_TIME;
  private remaining = 0;
  private chunkSize = 0;
  private chunkSizeDigits = 0;
  private trailerLineLength = 0;
  private failed = false;

  constructor(
    private readonly onResponse: ResponseCallback,
    /** True while the requests are HEAD, whose responses have no body whatever they announce. */
    public headRequests = false,
    private readonly capture?: ResponseCapture,
  ) {}

  /** Feeds bytes [start, end) of `data`; false when the bytes are not a valid HTTP response stream. */
  feed(data: Buffer, start: number, end: number): boolean {
    if (this.failed) return false;
    let position = start;
    while (position < end) {
      switch (this.state) {
        case State.Head: {
          const consumed = this.feedHead(data, position, end);
          if (consumed < 0) return this.fail();
          position = consumed;
          break;
        }
        case State.Body: {
          const take = Math.min(this.remaining, end - position);
          this.capture?.body(data, position, position + take);
          this.remaining -= take;
          position += take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.ChunkSize: {
          const byte = data[position++]!;
          const digit = hexValue(byte);
          if (digit >= 0) {
            if (++this.chunkSizeDigits > 12) return this.fail();
            this.chunkSize = this.chunkSize * 16 + digit;
          } else if (byte === CR || byte === LF || byte === 0x3b /* ; */ || byte === 0x20 || byte === 0x09) {
            if (this.chunkSizeDigits === 0) return this.fail();
            this.state = byte === LF ? this.afterChunkSize() : State.ChunkExtension;
          } else {
            return this.fail();
          }
          break;
        }
        case State.ChunkExtension:
          if (data[position++] === LF) this.state = this.afterChunkSize();
          break;
        case State.ChunkData: {
          const take = Math.min(this.remaining, end - position);
          this.capture?.body(data, position, position + take);
          this.remaining -= take;
          position += take;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd:
          if (data[position++] === LF) this.startChunk();
          break;
        case State.Trailer: {
          const byte = data[position++]!;
          if (byte === LF) {
            if (this.trailerLineLength === 0) this.complete();
            this.trailerLineLength = 0;
          } else if (byte !== CR) {
            this.trailerLineLength++;
          }
          break;
        }
        case State.UntilClose:
          this.capture?.body(data, position, end);
          return true;
      }
    }
    return true;
  }

  /** The connection closed: a response delimited by the close is complete; true if one was. */
  finish(): boolean {
    if (this.state !== State.UntilClose || this.failed) return false;
    this.complete();
    return true;
  }

  private fail(): false {
    this.failed = true;
    return false;
  }

  /** Parses a head starting at `position`; returns where the body starts, `end` if the head is not complete, or -1. */
  private feedHead(data: Buffer, position: number, end: number): number {
    let buffer = data;
    let from = position;
    let until = end;
    if (this.partialHead) {
      buffer = Buffer.concat([this.partialHead, data.subarray(position, end)]);
      from = 0;
      until = buffer.length;
    }
    // Bytes past `until` are stale (reads reuse one buffer), so a match must end inside the range.
    const found = until - from >= HEAD_END.length ? buffer.indexOf(HEAD_END, from) : -1;
    const headEnd = found >= 0 && found + HEAD_END.length <= until ? found - from : -1;
    if (headEnd < 0) {
      if (until - from > MAX_HEAD_BYTES) return -1;
      // The caller may reuse `data` for its next read, so what is kept must be a copy.
      this.partialHead = Buffer.from(buffer.subarray(from, until));
      return end;
    }
    const carried = this.partialHead ? this.partialHead.length : 0;
    this.partialHead = undefined;
    if (!this.parseHead(buffer, from, from + headEnd + 2)) return -1;
    // Bytes of the new read that follow the head: offset back from the concatenation into `data`.
    return from + headEnd + 4 - carried + (buffer === data ? 0 : position);
  }

  /** Parses status line and headers in [start, end), where `end` is just past the last header's CRLF. */
  private parseHead(buffer: Buffer, start: number, end: number): boolean {
    if (end - start < 14 || buffer.compare(HTTP_PREFIX, 0, HTTP_PREFIX.length, start, start + HTTP_PREFIX.length) !== 0) return false;
    const minor = digitAt(buffer, start + 7);
    const hundreds = digitAt(buffer, start + 9);
    const tens = digitAt(buffer, start + 10);
    const units = digitAt(buffer, start + 11);
    const afterStatus = buffer[start + 12];
    if (minor < 0 || hundreds < 1 || tens < 0 || units < 0 || buffer[start + 8] !== 0x20 || (afterStatus !== 0x20 && afterStatus !== CR)) return false;
    const status = hundreds * 100 + tens * 10 + units;
    let contentLength = -1;
    let chunked = false;
    let transferEncoded = false;
    let keepAlive = minor >= 1;
    let serviceUs = NO_SERVICE_TIME;
    let line = buffer.indexOf(LF, start) + 1;
    while (line > 0 && line < end) {
      const lineEnd = buffer.indexOf(CR, line);
      if (lineEnd < 0 || lineEnd >= end) return false;
      const colon = buffer.indexOf(0x3a, line);
      if (colon < 0 || colon > lineEnd) return false;
      const valueStart = skipSpaces(buffer, colon + 1, lineEnd);
      const valueEnd = trimEnd(buffer, valueStart, lineEnd);
      if (equalsLower(buffer, line, colon, CONTENT_LENGTH)) {
        const length = parseDecimal(buffer, valueStart, valueEnd);
        // RFC 9112 §6.3: a length that is not a number, or two that differ, leave the framing unknown.
        if (length < 0 || (contentLength >= 0 && length !== contentLength)) return false;
        contentLength = length;
      } else if (equalsLower(buffer, line, colon, TRANSFER_ENCODING)) {
        transferEncoded = true;
        chunked = endsWithLower(buffer, valueStart, valueEnd, CHUNKED);
      } else if (equalsLower(buffer, line, colon, CONNECTION)) {
        if (containsLower(buffer, valueStart, valueEnd, CLOSE)) keepAlive = false;
        else if (containsLower(buffer, valueStart, valueEnd, KEEP_ALIVE)) keepAlive = true;
      } else if (serviceUs === NO_SERVICE_TIME && equalsLower(buffer, line, colon, SERVER_TIMING_NAME)) {
        serviceUs = serviceUsOf(buffer, valueStart, valueEnd);
      }
      line = lineEnd + 2;
    }
    // Both framings at once is how responses are split and requests smuggled (RFC 9112 §6.3): an error.
    if (transferEncoded && contentLength >= 0) return false;
    this.status = status;
    this.keepAlive = keepAlive;
    this.serviceUs = serviceUs;
    if ((status >= 200 || status === 101) && this.capture) this.capture.head(buffer, start, end);
    if (status < 200 && status !== 101) {
      this.state = State.Head; // informational: the final response is still to come
    } else if (this.headRequests || status === 204 || status === 304 || status === 101) {
      this.complete();
    } else if (chunked) {
      this.startChunk();
    } else if (contentLength > 0) {
      this.remaining = contentLength;
      this.state = State.Body;
    } else if (contentLength === 0) {
      this.complete();
    } else {
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
    return true;
  }

  private startChunk(): void {
    this.chunkSize = 0;
    this.chunkSizeDigits = 0;
    this.state = State.ChunkSize;
  }

  private afterChunkSize(): State {
    if (this.chunkSize === 0) {
      this.trailerLineLength = 0;
      return State.Trailer;
    }
    this.remaining = this.chunkSize;
    return State.ChunkData;
  }

  private complete(): void {
    this.state = State.Head;
    this.onResponse(this.status, this.keepAlive, this.serviceUs);
  }
}

function digitAt(buffer: Buffer, index: number): number {
  const digit = buffer[index]! - 48;
  return digit >= 0 && digit <= 9 ? digit : -1;
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function skipSpaces(buffer: Buffer, position: number, end: number): number {
  while (position < end && (buffer[position] === 0x20 || buffer[position] === 0x09)) position++;
  return position;
}

function trimEnd(buffer: Buffer, start: number, end: number): number {
  while (end > start && (buffer[end - 1] === 0x20 || buffer[end - 1] === 0x09)) end--;
  return end;
}

function parseDecimal(buffer: Buffer, start: number, end: number): number {
  if (start === end || end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = buffer[i]! - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function equalsLower(buffer: Buffer, start: number, end: number, lower: Buffer): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((buffer[start + i]! | 0x20) !== lower[i]) return false;
  return true;
}

function endsWithLower(buffer: Buffer, start: number, end: number, lower: Buffer): boolean {
  return end - start >= lower.length && equalsLower(buffer, end - lower.length, end, lower);
}

function containsLower(buffer: Buffer, start: number, end: number, lower: Buffer): boolean {
  for (let at = start; at + lower.length <= end; at++) if (equalsLower(buffer, at, at + lower.length, lower)) return true;
  return false;
}
