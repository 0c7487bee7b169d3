import { NO_SERVICE_TIME, SERVER_TIMING, serviceUsOf } from '../server-timing.js';
import { decodeHuffman } from './huffman.js';

/** RFC 7541 Appendix A: index 1 is the first entry. */
const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** Entries of an HPACK table are charged their name and value length plus 32 (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;
/** SETTINGS_HEADER_TABLE_SIZE's default, which salvo never changes: the server's encoder may use up to this much. */
export const HEADER_TABLE_BYTES = 4096;
/** The most entries a table of HEADER_TABLE_BYTES (or less) can hold: each costs at least 32. */
const MAX_ENTRIES = HEADER_TABLE_BYTES / ENTRY_OVERHEAD;
/** Integers past this are no header this client will take (and would lose precision as numbers). */
const MAX_INTEGER = 0x0fffffff;
const STATUS = ':status';

/**
 * An HPACK decoder that reads what a load generator needs from a response header block, the
 * `:status` and the service time of a `server-timing` field, while keeping the dynamic table exactly
 * in step with the server's encoder: every field
 * the server indexes is decoded and stored, since later blocks refer to it. Values of fields that
 * are not indexed are skipped without being decoded.
 */
export class HpackDecoder {
  /**
   * The dynamic table as a ring, newest at `newest`; `count` entries, `size` bytes as HPACK counts
   * them. Of the values only a :status and a server-timing's service time (µs) are kept, as numbers:
   * no other value is ever read back.
   */
  private readonly names: string[] = new Array<string>(MAX_ENTRIES).fill('');
  private readonly values = new Float64Array(MAX_ENTRIES);
  private readonly sizes = new Int32Array(MAX_ENTRIES);
  private newest = -1;
  private count = 0;
  private size = 0;
  private maxSize: number;
  /** Where a Huffman string is decoded: the longest string a block of `end - start` bytes can hold. */
  private scratch = new Uint8Array(256);
  /** The integer read last and the position after it (two results without an object per call). */
  private integer = 0;
  private position = 0;
  private name = '';
  /** The service time the block decoded last carried (its first server-timing field), or NO_SERVICE_TIME. */
  serviceUs = NO_SERVICE_TIME;

  /** `settingBytes` is our SETTINGS_HEADER_TABLE_SIZE: the most the server's encoder may make the table. */
  constructor(private readonly settingBytes = HEADER_TABLE_BYTES) {
    this.maxSize = settingBytes;
  }

  /**
   * Decodes the complete header block `data[start, end)`: returns the `:status` it carries (0 when
   * it has none, as a trailer block has not), or -1 when it is not valid HPACK (a COMPRESSION_ERROR:
   * the table can no longer be trusted, and neither can the connection).
   */
  decode(data: Uint8Array, start: number, end: number): number {
    let status = 0;
    let fields = 0;
    this.serviceUs = NO_SERVICE_TIME;
    this.position = start;
    while (this.position < end) {
      const first = data[this.position]!;
      if (first & 0x80) {
        // Indexed field (§6.1).
        if (!this.readInteger(data, end, 7) || this.integer === 0) return -1;
        const index = this.integer;
        const name = this.nameAt(index);
        if (name === STATUS) status = this.statusAt(index);
        else if (name === SERVER_TIMING) {
          if (this.serviceUs === NO_SERVICE_TIME) this.serviceUs = this.values[this.dynamicSlot(index)]!;
        } else if (name === '') return -1;
      } else if ((first & 0xe0) === 0x20) {
        // Dynamic table size update (§6.3): only before the first field, and within our setting.
        if (fields > 0 || !this.readInteger(data, end, 5) || this.integer > this.settingBytes) return -1;
        this.maxSize = this.integer;
        this.evict(0);
        continue;
      } else {
        // Literal field (§6.2): with incremental indexing (01), or without / never indexed (0000, 0001).
        const indexing = (first & 0xc0) === 0x40;
        if (!this.readInteger(data, end, indexing ? 6 : 4)) return -1;
        let name: string;
        if (this.integer === 0) {
          const length = this.readString(data, end, true);
          if (length < 0) return -1;
          name = this.text(length);
        } else {
          name = this.nameAt(this.integer);
          if (name === '') return -1;
        }
        if (name === STATUS) {
          const length = this.readString(data, end, true);
          if (length < 0) return -1;
          status = parseStatus(this.scratch, length);
          if (indexing) this.insert(name, status, length);
        } else if (name === SERVER_TIMING) {
          const length = this.readString(data, end, true);
          if (length < 0) return -1;
          const serviceUs = serviceUsOf(this.scratch, 0, length);
          if (this.serviceUs === NO_SERVICE_TIME) this.serviceUs = serviceUs;
          if (indexing) this.insert(name, serviceUs, length);
        } else if (indexing) {
          // Only its size matters: nothing but a :status or a server-timing is ever read back out of the table.
          const length = this.readString(data, end, false);
          if (length < 0) return -1;
          this.insert(name, 0, length);
        } else if (!this.skipString(data, end)) {
          return -1;
        }
      }
      fields++;
    }
    return status;
  }

  /** The dynamic table's entries, newest first, as name and HPACK size (for tests and diagnostics). */
  entries(): [name: string, size: number][] {
    const result: [string, number][] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.newest - i + MAX_ENTRIES) % MAX_ENTRIES;
      result.push([this.names[slot]!, this.sizes[slot]!]);
    }
    return result;
  }

  /** The table's size as HPACK counts it. */
  tableSize(): number {
    return this.size;
  }

  /** Reads an integer with an N-bit prefix (§5.1) at `position` into `integer`; false if it runs past `end` or is too large. */
  private readInteger(data: Uint8Array, end: number, prefixBits: number): boolean {
    const mask = (1 << prefixBits) - 1;
    let value = data[this.position++]! & mask;
    if (value === mask) {
      let shift = 0;
      let byte: number;
      do {
        if (this.position >= end) return false;
        byte = data[this.position++]!;
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if (value > MAX_INTEGER) return false;
      } while (byte & 0x80);
    }
    this.integer = value;
    return true;
  }

  /** Reads a string literal (§5.2), into `scratch` when `keep` (else only measuring it); returns its decoded length, or -1. */
  private readString(data: Uint8Array, end: number, keep: boolean): number {
    if (this.position >= end) return -1;
    const huffman = (data[this.position]! & 0x80) !== 0;
    if (!this.readInteger(data, end, 7)) return -1;
    const length = this.integer;
    const from = this.position;
    if (from + length > end) return -1;
    this.position = from + length;
    if (!keep) return huffman ? decodeHuffman(data, from, from + length, undefined) : length;
    // Huffman's shortest code is 5 bits, so n bytes decode to at most 8n/5 symbols.
    const room = huffman ? Math.ceil((length * 8) / 5) : length;
    if (this.scratch.length < room) this.scratch = new Uint8Array(Math.max(room, this.scratch.length * 2));
    if (huffman) return decodeHuffman(data, from, from + length, this.scratch);
    this.scratch.set(data.subarray(from, from + length));
    return length;
  }

  private skipString(data: Uint8Array, end: number): boolean {
    if (this.position >= end || !this.readInteger(data, end, 7)) return false;
    this.position += this.integer;
    return this.position <= end;
  }

  private text(length: number): string {
    return Buffer.from(this.scratch.buffer, this.scratch.byteOffset, length).toString('latin1');
  }

  /** The name at a (1-based) index into the static then the dynamic table; '' when there is none. Sets `name`. */
  private nameAt(index: number): string {
    if (index <= STATIC_TABLE.length) this.name = STATIC_TABLE[index - 1]![0];
    else if (index - STATIC_TABLE.length <= this.count) this.name = this.names[this.dynamicSlot(index)]!;
    else this.name = '';
    return this.name;
  }

  private statusAt(index: number): number {
    return index <= STATIC_TABLE.length ? STATIC_STATUSES[index - 1]! : this.values[this.dynamicSlot(index)]!;
  }

  private dynamicSlot(index: number): number {
    return (this.newest - (index - STATIC_TABLE.length - 1) + MAX_ENTRIES) % MAX_ENTRIES;
  }

  /** Adds an entry (§4.4): older entries make room first; one larger than the table empties it and is not kept. */
  private insert(name: string, value: number, valueLength: number): void {
    const entrySize = name.length + valueLength + ENTRY_OVERHEAD;
    this.evict(Math.min(entrySize, this.maxSize + 1));
    if (entrySize > this.maxSize) return;
    this.newest = (this.newest + 1) % MAX_ENTRIES;
    this.names[this.newest] = name;
    this.values[this.newest] = value;
    this.sizes[this.newest] = entrySize;
    this.count++;
    this.size += entrySize;
  }

  /** Drops the oldest entries until `room` more bytes fit. */
  private evict(room: number): void {
    while (this.count > 0 && this.size + room > this.maxSize) {
      const oldest = (this.newest - this.count + 1 + MAX_ENTRIES) % MAX_ENTRIES;
      this.size -= this.sizes[oldest]!;
      this.count--;
    }
  }
}

/** A :status value as a number; 0 (no status) unless it is three digits from 100. */
function parseStatus(bytes: Uint8Array, length: number): number {
  if (length !== 3) return 0;
  let status = 0;
  for (let i = 0; i < 3; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return 0;
    status = status * 10 + digit;
  }
  return status >= 100 ? status : 0;
}

const STATIC_STATUSES = STATIC_TABLE.map(([name, value]) => (name === STATUS ? parseStatus(Buffer.from(value, 'latin1'), value.length) : 0));

/**
 * Encodes a request's header list once per run: fields the static table holds whole are one byte,
 * names it holds are indexed, and everything else is a literal without indexing (§6.2.2), so the
 * block refers to no dynamic table and the same bytes serve every stream.
 */
export function encodeHeaderBlock(headers: readonly (readonly [string, string])[]): Buffer {
  const bytes: number[] = [];
  for (const [name, value] of headers) {
    const exact = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value);
    if (exact >= 0) {
      writeInteger(bytes, 0x80, 7, exact + 1);
      continue;
    }
    const named = STATIC_TABLE.findIndex(([n]) => n === name);
    if (named >= 0) {
      writeInteger(bytes, 0x00, 4, named + 1);
    } else {
      bytes.push(0x00);
      writeString(bytes, name);
    }
    writeString(bytes, value);
  }
  return Buffer.from(bytes);
}

function writeInteger(bytes: number[], flags: number, prefixBits: number, value: number): void {
  const mask = (1 << prefixBits) - 1;
  if (value < mask) {
    bytes.push(flags | value);
    return;
  }
  bytes.push(flags | mask);
  let rest = value - mask;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
}

function writeString(bytes: number[], text: string): void {
  const raw = Buffer.from(text, 'latin1');
  writeInteger(bytes, 0x00, 7, raw.length);
  for (const byte of raw) bytes.push(byte);
}
