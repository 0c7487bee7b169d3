import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTextFormat, TextFormatError, tokenize, type MessageSpec, type TextMessage } from '../../src/import/text-format.js';

const INNER: MessageSpec = { name: 'Inner', fields: { label: { type: 'string', required: true }, count: { type: 'int' } } };
const OUTER: MessageSpec = {
  name: 'Outer',
  fields: {
    id: { type: 'int' },
    rate: { type: 'float' },
    title: { type: 'string' },
    inner: { type: INNER, repeated: true },
    single: { type: INNER },
  },
};

/** The parsed message as plain data, positions dropped, for comparing with what a test expects. */
function plain(message: TextMessage): unknown {
  return Object.fromEntries(Object.entries(message.fields).map(([name, value]) => [name, Array.isArray(value) ? value.map(plainValue) : plainValue(value)]));
}
const plainValue = (value: unknown): unknown => (typeof value === 'object' && value !== null ? plain(value as TextMessage) : value);

describe('tokenize', () => {
  test('every kind of token, with its line and column; whitespace and # comments dropped', () => {
    const tokens = tokenize('name: 42 # a comment\n  x { -1.5e3 } "s\\n" \'q\' 0x1F ;,<>\n');
    assert.deepEqual(
      tokens.map(({ kind, text, value, line, col }) => [kind, text, value, line, col]),
      [
        ['identifier', 'name', undefined, 1, 1],
        ['punctuation', ':', undefined, 1, 5],
        ['int', '42', 42, 1, 7],
        ['identifier', 'x', undefined, 2, 3],
        ['punctuation', '{', undefined, 2, 5],
        ['punctuation', '-', undefined, 2, 7],
        ['float', '1.5e3', 1500, 2, 8],
        ['punctuation', '}', undefined, 2, 14],
        ['string', '"s\\n"', 's\n', 2, 16],
        ['string', "'q'", 'q', 2, 22],
        ['int', '0x1F', 31, 2, 26],
        ['punctuation', ';', undefined, 2, 31],
        ['punctuation', ',', undefined, 2, 32],
        ['punctuation', '<', undefined, 2, 33],
        ['punctuation', '>', undefined, 2, 34],
        ['end', 'end of file', undefined, 3, 1],
      ],
    );
  });

  test('numbers: ints, floats in each form, and the f suffix', () => {
    const cases: [string, 'int' | 'float', number][] = [
      ['0', 'int', 0],
      ['1000', 'int', 1000],
      ['0xff', 'int', 255],
      ['2.5', 'float', 2.5],
      ['2.', 'float', 2],
      ['.25', 'float', 0.25],
      ['1e3', 'float', 1000],
      ['1.5E-2', 'float', 0.015],
      ['3f', 'float', 3],
      ['2.5F', 'float', 2.5],
    ];
    for (const [text, kind, value] of cases) {
      const [token] = tokenize(text);
      assert.deepEqual([token!.kind, token!.value], [kind, value], text);
    }
  });

  test('string escapes: C escapes, hex, octal, Unicode; adjacent quotes of the other kind are plain', () => {
    const cases: [string, string][] = [
      [String.raw`"a\tb\r\n"`, 'a\tb\r\n'],
      [String.raw`"\\ \" \' \?"`, '\\ " \' ?'],
      [String.raw`"\a\b\f\v"`, '\x07\b\f\v'],
      [String.raw`"\x41\x4a2"`, 'AJ2'],
      [String.raw`"\101\60\0"`, 'A0\0'],
      [String.raw`"\u00e9\U0001F600"`, 'é😀'],
      [`'say "hi"'`, 'say "hi"'],
      [`"it's"`, "it's"],
    ];
    for (const [text, value] of cases) assert.equal(tokenize(text)[0]!.value, value, text);
  });

  test('bad tokens: one error each, at the line and column of the mistake', () => {
    const cases: [string, string][] = [
      ['a: 1\n  b: @', '2:6: unexpected character "@"'],
      ['a: "open\n"', '1:4: unterminated string'],
      ['a: "bad \\q"', '1:9: unknown escape \\q'],
      ['a: "\\x"', '1:5: \\x needs one or two hex digits'],
      ['a: "\\400"', '1:5: octal escape \\400 is above \\377'],
      ['a: "\\u12"', '1:5: \\u needs 4 hex digits of a Unicode code point'],
      ['a: 12abc', '1:4: "12abc" is not a number'],
      ['a: 1e+', '1:4: "1e+" is not a number'],
      ['a: 010', '1:4: "010": a number may not start with 0 (octal is not supported)'],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => tokenize(text),
        (error: unknown) => error instanceof TextFormatError && error.message === message,
        text,
      );
    }
  });
});

describe('parseTextFormat', () => {
  test('scalars, repeated and nested messages in every accepted spelling', () => {
    const text = `
      # The top-level message needs no braces.
      id: -7
      rate: 2          # an int where a float is expected is fine
      title: "Hello, " 'world'
      inner { label: "a" count: 1 }
      inner: { label: "b", count: 2; }
      inner < label: "c" >
      single {
        label: "only"
      }
    `;
    assert.deepEqual(plain(parseTextFormat(text, OUTER)), {
      id: -7,
      rate: 2,
      title: 'Hello, world',
      inner: [{ label: 'a', count: 1 }, { label: 'b', count: 2 }, { label: 'c' }],
      single: { label: 'only' },
    });
  });

  test('an empty text is the empty message; a message remembers where it starts', () => {
    assert.deepEqual(plain(parseTextFormat('# nothing\n', OUTER)), {});
    const parsed = parseTextFormat('id: 1\n  inner {\n label: "x" }', OUTER);
    assert.deepEqual((parsed.fields.inner as TextMessage[])[0]!.at, { line: 2, col: 9 });
  });

  test('grammar and schema mistakes: one error each, naming line:column', () => {
    const cases: [string, string][] = [
      ['id: 1\nnope: 2', '2:1: unknown field "nope" in Outer (known: id, rate, title, inner, single)'],
      ['constructor: 1', '1:1: unknown field "constructor" in Outer (known: id, rate, title, inner, single)'],
      ['inner { label: "a" colour: 1 }', '1:20: unknown field "colour" in Inner (known: label, count)'],
      ['id 1', '1:4: expected ":" after "id", got int 1'],
      ['id: "1"', '1:5: "id" takes a whole number, got string "1"'],
      ['id: 1.5', '1:5: "id" takes a whole number, got 1.5'],
      ['rate: fast', '1:7: "rate" takes a number, got fast'],
      ['title: 3', '1:8: "title" takes a quoted string, got int 3'],
      ['id: 1 id: 2', '1:7: field "id" of Outer is given twice (it is not repeated)'],
      ['single: 3', '1:9: "single" is a message of type Inner: expected "{", got int 3'],
      ['inner { label: "a"', '1:19: unexpected end of file: "}" expected to close Inner from 1:7'],
      ['inner < label: "a" }', '1:20: expected a field name of Inner, got "}"'],
      ['inner { count: 1 }', '1:7: Inner needs "label"'],
      ['}', '1:1: expected a field name of Outer, got "}"'],
      ['id: 99999999999999999999', '1:5: "id": 99999999999999999999 is too large'],
      ['inner: [ { label: "a" } ]', '1:8: "inner" is a message of type Inner: expected "{", got "["'],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseTextFormat(text, OUTER),
        (error: unknown) => error instanceof TextFormatError && error.message === message,
        `${text} → ${message}`,
      );
    }
  });
});
