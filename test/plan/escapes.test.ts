import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEscapes, EscapeError } from '../../src/plan/escapes.js';

test('decodeEscapes turns escapes into bytes and the rest into UTF-8', () => {
  const cases: [string, number[]][] = [
    ['PING\\n', [0x50, 0x49, 0x4e, 0x47, 0x0a]],
    ['\\r\\n', [0x0d, 0x0a]],
    ['a\\tb', [0x61, 0x09, 0x62]],
    ['\\0', [0x00]],
    ['\\\\n', [0x5c, 0x6e]],
    ['\\x00\\xff\\xAb', [0x00, 0xff, 0xab]],
    ['é', [0xc3, 0xa9]],
    ['😀', [0xf0, 0x9f, 0x98, 0x80]],
    ['real\nnewline', [...Buffer.from('real\nnewline')]],
    ['', []],
  ];
  for (const [text, bytes] of cases) assert.deepEqual([...decodeEscapes(text)], bytes, JSON.stringify(text));
});

test('decodeEscapes names the escape it cannot read', () => {
  const cases: [string, RegExp][] = [
    ['\\q', /"\\q" is not an escape/],
    ['\\x4', /"\\x4" is not an escape: \\x takes two hex digits/],
    ['\\xzz', /\\xzz/],
    ['end\\', /lone "\\"/],
  ];
  for (const [text, message] of cases)
    assert.throws(
      () => decodeEscapes(text),
      (error: Error) => error instanceof EscapeError && message.test(error.message),
      text,
    );
});
