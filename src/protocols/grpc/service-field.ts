import type protobuf from 'protobufjs';
import { NO_SERVICE_TIME } from '../server-timing.js';

/**
 * The reply field that carries the server's own time for a call, in ms, by its JSON name: `service_ms`
 * or `serviceMs` in the .proto, as `salvo serve grpc-worker`'s SpinReply has it.
 */
export const SERVICE_FIELD = 'serviceMs';

/** The service time in µs from a framed reply message in `bytes[start, end)`, or NO_SERVICE_TIME. */
export type ReplyServiceUs = (bytes: Buffer, start: number, end: number) => number;

enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Delimited = 2,
  Fixed32 = 5,
}

/** How each numeric scalar type the field may have is written (protobuf encoding): wire type and reader. */
const DECODERS: Record<string, { wire: Wire; read: (bytes: Buffer, at: number, varint: number) => number }> = {
  double: { wire: Wire.Fixed64, read: (bytes, at) => bytes.readDoubleLE(at) },
  float: { wire: Wire.Fixed32, read: (bytes, at) => bytes.readFloatLE(at) },
  fixed32: { wire: Wire.Fixed32, read: (bytes, at) => bytes.readUInt32LE(at) },
  uint32: { wire: Wire.Varint, read: (_bytes, _at, varint) => varint },
  uint64: { wire: Wire.Varint, read: (_bytes, _at, varint) => varint },
  int32: { wire: Wire.Varint, read: (_bytes, _at, varint) => varint },
  int64: { wire: Wire.Varint, read: (_bytes, _at, varint) => varint },
};

const FRAME_PREFIX_BYTES = 5;
/** A service time above this is a negative int32/int64 (ten bytes, two's complement) or beyond a double's exact integers: none. */
const MAX_SERVICE_MS = Number.MAX_SAFE_INTEGER;

/**
 * A reader of the reply's service-time field, or undefined when the reply type has none (a singular
 * field named serviceMs of a numeric type). It reads the encoded message in place, without decoding it:
 * nothing is allocated. Like protobuf decoders, the field's last occurrence counts.
 */
export function replyServiceReader(replyType: protobuf.Type): ReplyServiceUs | undefined {
  const field = replyType.fields[SERVICE_FIELD];
  const decoder = field === undefined || field.repeated || field.map ? undefined : DECODERS[field.type];
  if (field === undefined || decoder === undefined) return undefined;
  const tag = field.id * 8 + decoder.wire;
  return (bytes, start, end) => {
    // One uncompressed message, whole.
    if (end - start < FRAME_PREFIX_BYTES || bytes[start] !== 0 || bytes.readUInt32BE(start + 1) !== end - start - FRAME_PREFIX_BYTES) return NO_SERVICE_TIME;
    let serviceMs = Number.NaN;
    let at = start + FRAME_PREFIX_BYTES;
    while (at < end) {
      const key = varintAt(bytes, at, end);
      if (key < 0) return NO_SERVICE_TIME;
      at = varintEnd;
      const valueAt = at;
      let varint = 0;
      switch (key % 8) {
        case Wire.Varint:
          varint = varintAt(bytes, at, end);
          if (varint < 0) return NO_SERVICE_TIME;
          at = varintEnd;
          break;
        case Wire.Fixed64:
          at += 8;
          break;
        case Wire.Fixed32:
          at += 4;
          break;
        case Wire.Delimited: {
          const length = varintAt(bytes, at, end);
          if (length < 0) return NO_SERVICE_TIME;
          at = varintEnd + length;
          break;
        }
        default:
          return NO_SERVICE_TIME; // groups, or not protobuf
      }
      if (at > end) return NO_SERVICE_TIME;
      if (key === tag) serviceMs = decoder.read(bytes, valueAt, varint);
    }
    return serviceMs >= 0 && serviceMs <= MAX_SERVICE_MS ? serviceMs * 1000 : NO_SERVICE_TIME;
  };
}

/** Where the varint read last ended: a module variable rather than a returned pair, so reading allocates nothing. */
let varintEnd = 0;

/** The varint at `bytes[at]` (up to ten bytes; beyond 2^53 approximate), with varintEnd set past it; -1 when it runs past `end` or is longer. */
function varintAt(bytes: Buffer, at: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && at < end; i++, scale *= 128) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      varintEnd = at;
      return value;
    }
  }
  return -1;
}
