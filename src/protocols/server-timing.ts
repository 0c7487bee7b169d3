import { NO_SERVICE_TIME } from '../metrics/slowdown.js';

export { NO_SERVICE_TIME };

const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const TAB = 0x09;
const DOT = 0x2e;

/** The header that carries a server's own timing, lower-cased as HTTP/2 sends names (RFC 9113 §8.2.2). */
export const SERVER_TIMING = 'server-timing';

/**
 * The service time in µs from a `Server-Timing` value in `bytes[start, end)`: the `dur` (ms) of its
 * first metric (`app;dur=12.5;desc="…", db;dur=3` → 12,500), or NO_SERVICE_TIME when the first metric
 * has none or it is not a number. Reads the bytes in place: nothing is allocated.
 */
export function serviceUsOf(bytes: Uint8Array, start: number, end: number): number {
  let at = start;
  // The metric's name runs to its first parameter, or to the next metric.
  while (at < end && bytes[at] !== SEMICOLON) {
    if (bytes[at] === COMMA) return NO_SERVICE_TIME;
    at++;
  }
  while (at < end && bytes[at] === SEMICOLON) {
    at = skipSpaces(bytes, at + 1, end);
    const nameStart = at;
    while (at < end && bytes[at] !== EQUALS && bytes[at] !== SEMICOLON && bytes[at] !== COMMA && bytes[at] !== SPACE && bytes[at] !== TAB) at++;
    const isDur =
      at - nameStart === 3 && (bytes[nameStart]! | 0x20) === 0x64 && (bytes[nameStart + 1]! | 0x20) === 0x75 && (bytes[nameStart + 2]! | 0x20) === 0x72;
    at = skipSpaces(bytes, at, end);
    let valueStart = at;
    let valueEnd = at;
    if (at < end && bytes[at] === EQUALS) {
      at = skipSpaces(bytes, at + 1, end);
      if (at < end && bytes[at] === QUOTE) {
        valueStart = ++at;
        while (at < end && bytes[at] !== QUOTE) at += bytes[at] === BACKSLASH ? 2 : 1;
        valueEnd = Math.min(at, end);
        at++;
      } else {
        valueStart = at;
        while (at < end && bytes[at] !== SEMICOLON && bytes[at] !== COMMA && bytes[at] !== SPACE && bytes[at] !== TAB) at++;
        valueEnd = at;
      }
    }
    if (isDur) return microsecondsOf(bytes, valueStart, valueEnd);
    while (at < end && bytes[at] !== SEMICOLON && bytes[at] !== COMMA) at++;
  }
  return NO_SERVICE_TIME;
}

/** "12.345" (ms) → 12,345 µs; NO_SERVICE_TIME unless it is digits with an optional fraction. */
function microsecondsOf(bytes: Uint8Array, start: number, end: number): number {
  let whole = 0;
  let fraction = 0;
  let scale = 1;
  let digits = 0;
  let at = start;
  for (; at < end && bytes[at] !== DOT; at++, digits++) {
    const digit = bytes[at]! - 48;
    if (digit < 0 || digit > 9) return NO_SERVICE_TIME;
    whole = whole * 10 + digit;
  }
  if (at < end) {
    for (at++; at < end; at++, digits++) {
      const digit = bytes[at]! - 48;
      if (digit < 0 || digit > 9) return NO_SERVICE_TIME;
      fraction = fraction * 10 + digit;
      scale *= 10;
    }
  }
  return digits === 0 || digits > 15 ? NO_SERVICE_TIME : (whole + fraction / scale) * 1000;
}

function skipSpaces(bytes: Uint8Array, at: number, end: number): number {
  while (at < end && (bytes[at] === SPACE || bytes[at] === TAB)) at++;
  return at;
}
