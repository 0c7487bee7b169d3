/**
 * A strict reader of the protobuf text format (protobuf.dev/reference/protobuf/textformat-spec), for
 * a schema given as data. Written here because no npm library fits: protobufjs has no text format, and
 * @bufbuild/protobuf's fromText needs a compiled descriptor and reports errors without a line or column.
 *
 * Taken from the spec: `name { ... }` or `name < ... >` messages with an optional `:` before them,
 * `name: value` scalars, decimal and hex integers, floats, single- or double-quoted strings with C escapes
 * (adjacent strings join), `#` comments, an optional `,` or `;` after each field, repeated fields by
 * repetition. Left out, as the configs read here never need them: `[a, b]` lists, enums, booleans,
 * extensions and Any. Every mistake is a TextFormatError naming its line and column.
 */

import { SalvoError } from '../errors.js';

/** A scalar field's kind: whole numbers, numbers (whole or not) or text. */
export type ScalarKind = 'int' | 'float' | 'string';

export interface FieldSpec {
  type: ScalarKind | MessageSpec;
  repeated?: boolean;
  /** Proto3 has no required fields, but a converter may not do without some: absent, they are an error at the message. */
  required?: boolean;
}

export interface MessageSpec {
  /** The message's name in its .proto, used in errors. */
  name: string;
  fields: Record<string, FieldSpec>;
}

/** Where something is in the text: 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/** A parsed message: its fields by name (repeated ones as arrays, absent ones left out) and where it starts. */
export interface TextMessage {
  at: Position;
  fields: Record<string, TextValue | TextValue[]>;
}
export type TextValue = number | string | TextMessage;

export class TextFormatError extends SalvoError {
  override name = 'TextFormatError';
  constructor(
    readonly reason: string,
    readonly at: Position,
  ) {
    super('ERR_IMPORT', `${at.line}:${at.col}: ${reason}`);
  }
}

type TokenKind = 'identifier' | 'int' | 'float' | 'string' | 'punctuation' | 'end';
interface Token extends Position {
  kind: TokenKind;
  text: string;
  /** Numbers' values and strings' decoded text. */
  value?: number | string;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
const PUNCTUATION = new Set(['{', '}', '<', '>', ':', ',', ';', '-', '[', ']']);
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
// A number runs to the next character that cannot continue it, so "12abc" is one bad number, not 12 then abc.
const NUMBER = /(?:0[xX][0-9A-Fa-f]*|\d*\.?\d*(?:[eE][+-]?\d*)?)[A-Za-z0-9_.]*/y;
const DECIMAL_INT = /^(?:0|[1-9]\d*)$/;
const HEX_INT = /^0[xX][0-9A-Fa-f]+$/;
const FLOAT = /^(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?[fF]?$|^(?:0|[1-9]\d*)[fF]$/;

/** Splits the text into tokens, each with its position; comments and whitespace are dropped. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): Position => ({ line, col: index - lineStart + 1 });
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\n') {
      index++;
      line++;
      lineStart = index;
    } else if (/[ \t\r\f\v]/.test(char)) {
      index++;
    } else if (char === '#') {
      while (index < text.length && text[index] !== '\n') index++;
    } else if (/[A-Za-z_]/.test(char)) {
      IDENTIFIER.lastIndex = index;
      const name = IDENTIFIER.exec(text)![0];
      tokens.push({ kind: 'identifier', text: name, ...here() });
      index += name.length;
    } else if (/[0-9.]/.test(char)) {
      NUMBER.lastIndex = index;
      const literal = NUMBER.exec(text)![0];
      tokens.push(numberToken(literal, here()));
      index += literal.length;
    } else if (char === '"' || char === "'") {
      const at = here();
      const { value, end } = readString(text, index, at);
      tokens.push({ kind: 'string', text: text.slice(index, end), value, ...at });
      index = end;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ kind: 'punctuation', text: char, ...here() });
      index++;
    } else {
      throw new TextFormatError(`unexpected character ${JSON.stringify(char)}`, here());
    }
  }
  tokens.push({ kind: 'end', text: 'end of file', ...here() });
  return tokens;
}

function numberToken(literal: string, at: Position): Token {
  if (DECIMAL_INT.test(literal)) return { kind: 'int', text: literal, value: Number(literal), ...at };
  if (HEX_INT.test(literal)) return { kind: 'int', text: literal, value: Number.parseInt(literal.slice(2), 16), ...at };
  if (FLOAT.test(literal)) return { kind: 'float', text: literal, value: Number.parseFloat(literal), ...at };
  // The spec reads a leading 0 as octal; a config that means 10 by "010" is more likely a typo than octal, so it is refused.
  if (/^0\d+$/.test(literal)) throw new TextFormatError(`"${literal}": a number may not start with 0 (octal is not supported)`, at);
  throw new TextFormatError(`"${literal}" is not a number`, at);
}

/** A quoted string starting at `start`, its escapes decoded; it must end on the same line. */
function readString(text: string, start: number, at: Position): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let index = start + 1;
  let escapeStart = index;
  // An escape's mistake is reported at its backslash.
  const fail = (reason: string): never => {
    throw new TextFormatError(reason, { line: at.line, col: at.col + escapeStart - start });
  };
  for (;;) {
    const char = text[index];
    if (char === undefined || char === '\n') throw new TextFormatError('unterminated string', at);
    index++;
    if (char === quote) return { value, end: index };
    if (char !== '\\') {
      value += char;
      continue;
    }
    escapeStart = index - 1;
    const escaped = text[index++];
    if (escaped === undefined) throw new TextFormatError('unterminated string', at);
    if (escaped in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[escaped];
    } else if (escaped === 'x' || escaped === 'X') {
      const hex = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(index, index + 2))?.[0] ?? fail('\\x needs one or two hex digits');
      value += String.fromCharCode(Number.parseInt(hex, 16));
      index += hex.length;
    } else if (/[0-7]/.test(escaped)) {
      const octal = escaped + (/^[0-7]{0,2}/.exec(text.slice(index, index + 2))?.[0] ?? '');
      if (Number.parseInt(octal, 8) > 0xff) fail(`octal escape \\${octal} is above \\377`);
      value += String.fromCharCode(Number.parseInt(octal, 8));
      index += octal.length - 1;
    } else if (escaped === 'u' || escaped === 'U') {
      const length = escaped === 'u' ? 4 : 8;
      const hex = text.slice(index, index + length);
      const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === length ? Number.parseInt(hex, 16) : -1;
      if (code < 0 || code > 0x10ffff) fail(`\\${escaped} needs ${length} hex digits of a Unicode code point`);
      value += String.fromCodePoint(code);
      index += length;
    } else {
      fail(`unknown escape \\${escaped}`);
    }
  }
}

/** Reads `text` as a message of type `spec`: unknown fields, wrong kinds of values and missing required fields are errors. */
export function parseTextFormat(text: string, spec: MessageSpec): TextMessage {
  return new Parser(tokenize(text)).messageBody(spec, { line: 1, col: 1 }, 'end');
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    return this.tokens[Math.min(this.index++, this.tokens.length - 1)]!;
  }

  private isPunctuation(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punctuation' && token.text === text;
  }

  /** Fields until `close` (a closing bracket, or the end of the text for the top-level message). */
  messageBody(spec: MessageSpec, at: Position, close: '}' | '>' | 'end'): TextMessage {
    const fields: TextMessage['fields'] = {};
    for (;;) {
      const token = this.peek();
      if (close === 'end' ? token.kind === 'end' : this.isPunctuation(close)) break;
      if (token.kind === 'end') throw new TextFormatError(`unexpected end of file: "${close}" expected to close ${spec.name} from ${at.line}:${at.col}`, token);
      if (token.kind !== 'identifier') throw new TextFormatError(`expected a field name of ${spec.name}, got ${describe(token)}`, token);
      this.next();
      // Own fields only: "constructor" is no field of a message.
      const field = Object.hasOwn(spec.fields, token.text) ? spec.fields[token.text] : undefined;
      if (!field) throw new TextFormatError(`unknown field "${token.text}" in ${spec.name} (known: ${Object.keys(spec.fields).join(', ')})`, token);
      const value = this.fieldValue(token.text, field);
      if (field.repeated) ((fields[token.text] ??= []) as TextValue[]).push(value);
      else if (token.text in fields) throw new TextFormatError(`field "${token.text}" of ${spec.name} is given twice (it is not repeated)`, token);
      else fields[token.text] = value;
      if (this.isPunctuation(',') || this.isPunctuation(';')) this.next();
    }
    this.next();
    for (const [name, field] of Object.entries(spec.fields)) {
      if (field.required && !(name in fields)) throw new TextFormatError(`${spec.name} needs "${name}"`, at);
    }
    return { at, fields };
  }

  private fieldValue(name: string, field: FieldSpec): TextValue {
    const hasColon = this.isPunctuation(':');
    if (hasColon) this.next();
    if (typeof field.type === 'object') {
      const open = this.next();
      if (open.kind !== 'punctuation' || (open.text !== '{' && open.text !== '<')) {
        throw new TextFormatError(`"${name}" is a message of type ${field.type.name}: expected "{", got ${describe(open)}`, open);
      }
      return this.messageBody(field.type, { line: open.line, col: open.col }, open.text === '{' ? '}' : '>');
    }
    if (!hasColon) throw new TextFormatError(`expected ":" after "${name}", got ${describe(this.peek())}`, this.peek());
    return this.scalar(name, field.type);
  }

  private scalar(name: string, kind: ScalarKind): number | string {
    const first = this.next();
    if (kind === 'string') {
      if (first.kind !== 'string') throw new TextFormatError(`"${name}" takes a quoted string, got ${describe(first)}`, first);
      let text = first.value as string;
      // The spec joins adjacent strings, as C does.
      while (this.peek().kind === 'string') text += this.next().value as string;
      return text;
    }
    const negative = first.kind === 'punctuation' && first.text === '-';
    const number = negative ? this.next() : first;
    const wanted = kind === 'int' ? 'a whole number' : 'a number';
    if (number.kind === 'float' && kind === 'int') throw new TextFormatError(`"${name}" takes ${wanted}, got ${number.text}`, number);
    if (number.kind !== 'int' && number.kind !== 'float') throw new TextFormatError(`"${name}" takes ${wanted}, got ${describe(number)}`, number);
    const value = (negative ? -1 : 1) * (number.value as number);
    if (kind === 'int' && !Number.isSafeInteger(value)) throw new TextFormatError(`"${name}": ${number.text} is too large`, number);
    return value;
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the file';
  if (token.kind === 'punctuation') return `"${token.text}"`;
  return `${token.kind === 'identifier' ? '' : `${token.kind} `}${token.text}`;
}
