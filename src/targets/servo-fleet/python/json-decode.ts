// json.loads as CPython's C scanner does it: the same values (int vs float, NaN and Infinity
// accepted) and, for bad input, the same message at the same position (in characters, not
// UTF-16 units), which FastAPI echoes back in its 422 answer.

import { PyDict, PyFloat, type PyValue } from './values.js';

export class JsonDecodeError extends Error {
  override name = 'JsonDecodeError';
  constructor(
    /** The message without its position, e.g. "Expecting value". */
    readonly msg: string,
    /** Index in characters (code points) into the document. */
    readonly pos: number,
  ) {
    super(msg);
  }
}

const isWhitespace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const HEX = /^[0-9a-fA-F]{4}$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Raised where a value was expected; reported as "Expecting value" at that index. */
class NoValue {
  constructor(readonly pos: number) {}
}

class Scanner {
  constructor(private readonly s: string[]) {}

  skip(i: number): number {
    while (isWhitespace(this.s[i])) i++;
    return i;
  }

  private startsWith(word: string, i: number): boolean {
    for (let k = 0; k < word.length; k++) if (this.s[i + k] !== word[k]) return false;
    return true;
  }

  /** One value at i: [value, index after it]. */
  value(i: number): [PyValue, number] {
    const c = this.s[i];
    if (c === '"') return this.string(i + 1);
    if (c === '{') return this.object(i + 1);
    if (c === '[') return this.array(i + 1);
    if (c === 'n' && this.startsWith('null', i)) return [null, i + 4];
    if (c === 't' && this.startsWith('true', i)) return [true, i + 4];
    if (c === 'f' && this.startsWith('false', i)) return [false, i + 5];
    if (c === 'N' && this.startsWith('NaN', i)) return [new PyFloat(NaN), i + 3];
    if (c === 'I' && this.startsWith('Infinity', i)) return [new PyFloat(Infinity), i + 8];
    if (c === '-' && this.startsWith('-Infinity', i)) return [new PyFloat(-Infinity), i + 9];
    return this.number(i);
  }

  private number(start: number): [PyValue, number] {
    let i = start;
    if (this.s[i] === '-') i++;
    if (this.s[i] !== undefined && this.s[i]! >= '1' && this.s[i]! <= '9') {
      while (isDigit(this.s[i])) i++;
    } else if (this.s[i] === '0') {
      i++;
    } else {
      throw new NoValue(start);
    }
    let isFloat = false;
    if (this.s[i] === '.' && isDigit(this.s[i + 1])) {
      isFloat = true;
      i += 2;
      while (isDigit(this.s[i])) i++;
    }
    if (this.s[i] === 'e' || this.s[i] === 'E') {
      let e = i + 1;
      if (this.s[e] === '-' || this.s[e] === '+') e++;
      if (isDigit(this.s[e])) {
        isFloat = true;
        while (isDigit(this.s[e])) e++;
        i = e;
      }
    }
    const text = this.s.slice(start, i).join('');
    return [isFloat ? new PyFloat(Number(text)) : BigInt(text), i];
  }

  /** From just past the opening quote. */
  private string(end: number): [string, number] {
    const begin = end - 1;
    const s = this.s;
    let out = '';
    for (;;) {
      let next = end;
      while (next < s.length && s[next] !== '"' && s[next] !== '\\') {
        if (s[next]!.codePointAt(0)! <= 0x1f) throw new JsonDecodeError('Invalid control character at', next);
        next++;
      }
      if (next >= s.length) throw new JsonDecodeError('Unterminated string starting at', begin);
      out += s.slice(end, next).join('');
      if (s[next] === '"') return [out, next + 1];
      next++; // past the backslash
      if (next >= s.length) throw new JsonDecodeError('Unterminated string starting at', begin);
      const escaped = s[next]!;
      if (escaped !== 'u') {
        const decoded = ESCAPES[escaped];
        if (decoded === undefined) throw new JsonDecodeError('Invalid \\escape', next - 1);
        out += decoded;
        end = next + 1;
        continue;
      }
      next++;
      end = next + 4;
      if (end >= s.length) throw new JsonDecodeError('Invalid \\uXXXX escape', next - 1);
      const hex = s.slice(next, end).join('');
      if (!HEX.test(hex)) throw new JsonDecodeError('Invalid \\uXXXX escape', end - 5);
      let code = parseInt(hex, 16);
      if (code >= 0xd800 && code <= 0xdbff && end + 6 < s.length && s[end] === '\\' && s[end + 1] === 'u') {
        const low = s.slice(end + 2, end + 6).join('');
        if (!HEX.test(low)) throw new JsonDecodeError('Invalid \\uXXXX escape', end + 1);
        const lowCode = parseInt(low, 16);
        if (lowCode >= 0xdc00 && lowCode <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (lowCode - 0xdc00);
          end += 6;
        }
      }
      out += String.fromCodePoint(code);
    }
  }

  private object(i: number): [PyDict, number] {
    const dict = new PyDict();
    i = this.skip(i);
    if (this.s[i] === '}') return [dict, i + 1];
    for (;;) {
      if (this.s[i] !== '"') throw new JsonDecodeError('Expecting property name enclosed in double quotes', i);
      const [key, afterKey] = this.string(i + 1);
      i = this.skip(afterKey);
      if (this.s[i] !== ':') throw new JsonDecodeError("Expecting ':' delimiter", i);
      const [value, afterValue] = this.value(this.skip(i + 1));
      dict.set(key, value);
      i = this.skip(afterValue);
      if (this.s[i] === '}') return [dict, i + 1];
      if (this.s[i] !== ',') throw new JsonDecodeError("Expecting ',' delimiter", i);
      i = this.skip(i + 1);
    }
  }

  private array(i: number): [PyValue[], number] {
    const list: PyValue[] = [];
    i = this.skip(i);
    if (this.s[i] === ']') return [list, i + 1];
    for (;;) {
      const [value, after] = this.value(i);
      list.push(value);
      i = this.skip(after);
      if (this.s[i] === ']') return [list, i + 1];
      if (this.s[i] !== ',') throw new JsonDecodeError("Expecting ',' delimiter", i);
      i = this.skip(i + 1);
    }
  }
}

/** json.loads(text); throws JsonDecodeError. */
export function pyJsonLoads(text: string): PyValue {
  const chars = [...text];
  const scanner = new Scanner(chars);
  try {
    const [value, end] = scanner.value(scanner.skip(0));
    const rest = scanner.skip(end);
    if (rest !== chars.length) throw new JsonDecodeError('Extra data', rest);
    return value;
  } catch (error) {
    if (error instanceof NoValue) throw new JsonDecodeError('Expecting value', error.pos);
    throw error;
  }
}

/** Line and column of a character index, as JSONDecodeError counts them (both from 1). */
export function lineAndColumn(text: string, pos: number): { lineno: number; colno: number } {
  const before = [...text].slice(0, pos).join('');
  const lastNewline = before.lastIndexOf('\n');
  return { lineno: before.split('\n').length, colno: lastNewline < 0 ? pos + 1 : [...before.slice(lastNewline)].length };
}
