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
/** A field's value when the block does not carry the field. */
export const ABSENT = -1;
/** What readValue returns for bytes that are no string: no field's value is ever this. */
const INVALID_STRING = -Infinity;
/** The field id of a name that is not read (and of an index that names nothing: NO_NAME). */
const UNREAD = -1;
const NO_NAME = -2;

/** A response header whose value a client reads, as a number: the decoder keeps it so in its table too. */
export interface ResponseField {
  /** Lower case, as HTTP/2 sends names. */
  readonly name: string;
  /** The value in `bytes[start, end)` as a number (NaN when it is not one the field can take); read in place, on every answer. */
  parse(bytes: Uint8Array, start: number, end: number): number;
}

const STATUS_FIELD: ResponseField = { name: STATUS, parse: parseStatus };

/**
 * An HPACK decoder that reads what a load generator needs from a response header block, the
 * `:status` and the values of a few named fields (gRPC's status, the service time), while keeping
 * the dynamic table exactly in step with the server's encoder: every field the server indexes is
 * decoded and stored, since later blocks refer to it. Values of other fields are measured (indexed)
 * or skipped (not indexed) without being kept.
 */
export class HpackDecoder {
  /** :status, then the fields read for the caller; a field's id is its index here. */
  private readonly fields: readonly ResponseField[];
  /** Their names' bytes, to match a literal name without making a string of it. */
  private readonly fieldNames: readonly Buffer[];
  /** The values of `fields` in the block decoded last, ABSENT when it had none. */
  private readonly found: Float64Array;
  /** Per static table index (0-based): the id of its name's field and its value as that field reads it. */
  private readonly staticFieldIds: Int8Array;
  private readonly staticValues: Float64Array;
  /**
   * The dynamic table as a ring, newest at `newest`; `count` entries, `size` bytes as HPACK counts
   * them. Of the values only those of read fields are kept, as numbers: no other value is ever read back.
   */
  private readonly names: string[] = new Array<string>(MAX_ENTRIES).fill('');
  private readonly fieldIds = new Int8Array(MAX_ENTRIES);
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
  /** The name and field id found by the last `nameAt`. */
  private name = '';
  private fieldId = UNREAD;

  /**
   * `settingBytes` is our SETTINGS_HEADER_TABLE_SIZE: the most the server's encoder may make the table.
   * `fields` are read besides :status; `value(i)` gives the i-th one's value in the last block.
   */
  constructor(
    private readonly settingBytes = HEADER_TABLE_BYTES,
    fields: readonly ResponseField[] = [],
  ) {
    this.maxSize = settingBytes;
    this.fields = [STATUS_FIELD, ...fields];
    this.fieldNames = this.fields.map((field) => Buffer.from(field.name, 'latin1'));
    this.found = new Float64Array(this.fields.length);
    this.staticFieldIds = new Int8Array(STATIC_TABLE.length);
    this.staticValues = new Float64Array(STATIC_TABLE.length);
    STATIC_TABLE.forEach(([name, value], index) => {
      const id = this.idOf(name);
      this.staticFieldIds[index] = id;
      if (id !== UNREAD) this.staticValues[index] = this.fields[id]!.parse(Buffer.from(value, 'latin1'), 0, value.length);
    });
  }

  /**
   * Decodes the complete header block `data[start, end)`: returns the `:status` it carries (0 when
   * it has none, as a trailer block has not), or -1 when it is not valid HPACK (a COMPRESSION_ERROR:
   * the table can no longer be trusted, and neither can the connection).
   */
  decode(data: Uint8Array, start: number, end: number): number {
    const found = this.found;
    found.fill(ABSENT);
    let fields = 0;
    this.position = start;
    while (this.position < end) {
      const first = data[this.position]!;
      if (first & 0x80) {
        // Indexed field (§6.1).
        if (!this.readInteger(data, end, 7) || this.integer === 0) return -1;
        const index = this.integer;
        this.nameAt(index);
        if (this.fieldId === NO_NAME) return -1;
        // The first occurrence of a field counts.
        if (this.fieldId !== UNREAD && found[this.fieldId] === ABSENT) found[this.fieldId] = this.valueAt(index);
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
        if (this.integer === 0) {
          const length = this.readString(data, end, true);
          if (length < 0) return -1;
          this.fieldId = this.idOfBytes(length);
          // Only an entry of the table needs its name as a string; a field sent without indexing makes none.
          this.name = indexing ? this.text(length) : '';
        } else {
          this.nameAt(this.integer);
          if (this.fieldId === NO_NAME) return -1;
        }
        const { name, fieldId } = this;
        if (fieldId !== UNREAD) {
          const value = this.readValue(data, end, this.fields[fieldId]!);
          if (value === INVALID_STRING) return -1;
          if (found[fieldId] === ABSENT) found[fieldId] = value;
          if (indexing) this.insert(name, fieldId, value, this.integer);
        } else if (indexing) {
          // Only its size matters: nothing but a read field's value is ever read back out of the table.
          const length = this.readString(data, end, false);
          if (length < 0) return -1;
          this.insert(name, UNREAD, 0, length);
        } else if (!this.skipString(data, end)) {
          return -1;
        }
      }
      fields++;
    }
    const status = found[0]!;
    return status === ABSENT ? 0 : status;
  }

  /** The value of the i-th field given to the constructor in the block decoded last; ABSENT when it had none. */
  value(field: number): number {
    return this.found[field + 1]!;
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
    // Byte by byte: a subarray to copy from would be an object per string.
    for (let i = 0; i < length; i++) this.scratch[i] = data[from + i]!;
    return length;
  }

  /**
   * Reads a string literal as `field` reads its value: in place, or from `scratch` when Huffman coded.
   * Leaves the string's decoded length in `integer`; INVALID_STRING when it is not a valid string.
   */
  private readValue(data: Uint8Array, end: number, field: ResponseField): number {
    if (this.position >= end) return INVALID_STRING;
    if (data[this.position]! & 0x80) {
      const length = this.readString(data, end, true);
      if (length < 0) return INVALID_STRING;
      this.integer = length;
      return field.parse(this.scratch, 0, length);
    }
    if (!this.readInteger(data, end, 7)) return INVALID_STRING;
    const from = this.position;
    this.position = from + this.integer;
    if (this.position > end) return INVALID_STRING;
    return field.parse(data, from, this.position);
  }

  private skipString(data: Uint8Array, end: number): boolean {
    if (this.position >= end || !this.readInteger(data, end, 7)) return false;
    this.position += this.integer;
    return this.position <= end;
  }

  private text(length: number): string {
    return Buffer.from(this.scratch.buffer, this.scratch.byteOffset, length).toString('latin1');
  }

  /** The id of the field named `name`, UNREAD when it is not read. */
  private idOf(name: string): number {
    const { fields } = this;
    for (let id = 0; id < fields.length; id++) if (fields[id]!.name === name) return id;
    return UNREAD;
  }

  /** The id of the field whose name is `scratch[0, length)`, UNREAD when it is not read. */
  private idOfBytes(length: number): number {
    const { fieldNames, scratch } = this;
    for (let id = 0; id < fieldNames.length; id++) {
      const name = fieldNames[id]!;
      if (name.length !== length) continue;
      let at = 0;
      while (at < length && scratch[at] === name[at]) at++;
      if (at === length) return id;
    }
    return UNREAD;
  }

  /** Sets `name` and `fieldId` from a (1-based) index into the static then the dynamic table; `fieldId` is NO_NAME when the index names nothing. */
  private nameAt(index: number): void {
    if (index <= STATIC_TABLE.length) {
      this.name = STATIC_TABLE[index - 1]![0];
      this.fieldId = this.staticFieldIds[index - 1]!;
    } else if (index - STATIC_TABLE.length <= this.count) {
      const slot = this.dynamicSlot(index);
      this.name = this.names[slot]!;
      this.fieldId = this.fieldIds[slot]!;
    } else {
      this.fieldId = NO_NAME;
    }
  }

  private valueAt(index: number): number {
    return index <= STATIC_TABLE.length ? this.staticValues[index - 1]! : this.values[this.dynamicSlot(index)]!;
  }

  private dynamicSlot(index: number): number {
    return (this.newest - (index - STATIC_TABLE.length - 1) + MAX_ENTRIES) % MAX_ENTRIES;
  }

  /** Adds an entry (§4.4): older entries make room first; one larger than the table empties it and is not kept. */
  private insert(name: string, fieldId: number, value: number, valueLength: number): void {
    const entrySize = name.length + valueLength + ENTRY_OVERHEAD;
    this.evict(Math.min(entrySize, this.maxSize + 1));
    if (entrySize > this.maxSize) return;
    this.newest = (this.newest + 1) % MAX_ENTRIES;
    this.names[this.newest] = name;
    this.fieldIds[this.newest] = fieldId;
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
function parseStatus(bytes: Uint8Array, start: number, end: number): number {
  if (end - start !== 3) return 0;
  let status = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return 0;
    status = status * 10 + digit;
  }
  return status >= 100 ? status : 0;
}

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
