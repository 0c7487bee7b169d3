/** The service time when an answer carries none (or one that cannot be read). */
export const NO_SERVICE_TIME = -1;

const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const TAB = 0x09;
const DOT = 0x2e;
const LOWER_CASE = 0x20;

/**
 * The server's service time in µs from a `Server-Timing` value in `bytes[start, end)`: the `dur`
 * (milliseconds) of its first metric, as salvo's targets send it (`app;dur=0.012`). NO_SERVICE_TIME
 * when the first metric has no `dur` or it is not a decimal number. Reads the bytes in place: it
 * runs on every answer that carries the header.
 */
export function serviceTimeUs(bytes: Uint8Array, start: number, end: number): number {
  let at = start;
  // The metric's name ends at its first parameter or at the next metric.
  while (at < end && bytes[at] !== SEMICOLON && bytes[at] !== COMMA) at++;
  while (at < end && bytes[at] === SEMICOLON) {
    at = skipSpace(bytes, at + 1, end);
    const nameStart = at;
    while (at < end && bytes[at] !== EQUALS && bytes[at] !== SEMICOLON && bytes[at] !== COMMA && !isSpace(bytes[at]!)) at++;
    const isDur = at - nameStart === 3 && (bytes[nameStart]! | LOWER_CASE) === 0x64 && (bytes[nameStart + 1]! | LOWER_CASE) === 0x75 && (bytes[nameStart + 2]! | LOWER_CASE) === 0x72;
    at = skipSpace(bytes, at, end);
    if (at >= end || bytes[at] !== EQUALS) continue;
    at = skipSpace(bytes, at + 1, end);
    let valueStart = at;
    let valueEnd: number;
    if (bytes[at] === QUOTE) {
      valueStart = ++at;
      while (at < end && bytes[at] !== QUOTE) at += bytes[at] === BACKSLASH ? 2 : 1;
      valueEnd = Math.min(at, end);
      at++;
    } else {
      while (at < end && bytes[at] !== SEMICOLON && bytes[at] !== COMMA && !isSpace(bytes[at]!)) at++;
      valueEnd = at;
    }
    if (isDur) return millisecondsAsUs(bytes, valueStart, valueEnd);
    at = skipSpace(bytes, at, end);
  }
  return NO_SERVICE_TIME;
}

/** A decimal number of milliseconds (digits, optionally a fraction) as whole µs. */
function millisecondsAsUs(bytes: Uint8Array, start: number, end: number): number {
  let ms = 0;
  let scale = 0;
  let digits = 0;
  for (let at = start; at < end; at++) {
    const byte = bytes[at]!;
    if (byte === DOT && scale === 0) {
      scale = 1;
      continue;
    }
    const digit = byte - 0x30;
    if (digit < 0 || digit > 9) return NO_SERVICE_TIME;
    ms = ms * 10 + digit;
    if (scale > 0) scale *= 10;
    digits++;
  }
  if (digits === 0) return NO_SERVICE_TIME;
  return Math.round((ms * 1000) / (scale || 1));
}

function skipSpace(bytes: Uint8Array, at: number, end: number): number {
  while (at < end && isSpace(bytes[at]!)) at++;
  return at;
}

function isSpace(byte: number): boolean {
  return byte === SPACE || byte === TAB;
}
