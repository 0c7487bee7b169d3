// JSON values as Python's json module hands them to the original emulator, and the few
// built-ins it applies to them (repr, str, int, dict), so that salvo's answers quote and
// coerce exactly as voracious.py does. Used only off the hot path: for bodies JSON.parse
// rejects and for the text of a sequence error.

/** A Python float (JSON numbers with a fraction or an exponent, NaN, Infinity). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python dict: entries in insertion order (keys are strings unless built by dict(pairs)). */
export class PyDict {
  constructor(readonly entries: [PyValue, PyValue][] = []) {}

  get(key: string): PyValue | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }

  /** Sets like Python does: a key equal to an existing one keeps its place and takes the new value. */
  set(key: PyValue, value: PyValue): void {
    const entry = this.entries.find(([k]) => pyKeyEquals(k, key));
    if (entry !== undefined) entry[1] = value;
    else this.entries.push([key, value]);
  }
}

/** int is a bigint (JSON integers are exact in Python); bool, None, str, list as themselves. */
export type PyValue = string | bigint | PyFloat | boolean | null | PyValue[] | PyDict;

function numericValue(value: PyValue): number | bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (value instanceof PyFloat) return value.value;
  return undefined;
}

/** Dict-key equality: 1 == 1.0 == True in Python. */
function pyKeyEquals(a: PyValue, b: PyValue): boolean {
  const x = numericValue(a);
  const y = numericValue(b);
  // biome-ignore lint/suspicious/noDoubleEquals: a bigint and a number compare by value only with ==, as Python compares 1 and 1.0
  if (x !== undefined && y !== undefined) return x == y;
  return a === b;
}

/** repr(float): the shortest digits that round-trip, in Python's layout (1e+16, 1e-05, 2.0). */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - exponent));
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

// str.isprintable() is false for these; repr escapes them.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** repr(str): single quotes unless the text has ' and no ". */
export function strRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) out += escapeChar(char);
    else out += char;
  }
  return out + quote;
}

export function repr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return strRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof PyDict) return `{${value.entries.map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(', ')}}`;
  return `[${value.map(repr).join(', ')}]`;
}

/** str() of a number or bool, as pydantic's str field coerces them; undefined for other values. */
export function numberStr(value: PyValue): string | undefined {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof PyFloat) return floatRepr(value.value);
  return undefined;
}

// int(str): surrounding whitespace, a sign, decimal digits with single underscores between them.
// (Python also takes non-ASCII decimal digits; a servo sending those is not worth the table.)
const INT_TEXT = /^\s*([+-]?[0-9]+(?:_[0-9]+)*)\s*$/;

/** int(value) as the original applies it to a progress report; undefined where Python raises. */
export function pyInt(value: PyValue | undefined): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (value instanceof PyFloat) return Number.isFinite(value.value) ? BigInt(Math.trunc(value.value)) : undefined;
  if (typeof value === 'string') {
    const match = INT_TEXT.exec(value);
    if (match === null) return undefined;
    return BigInt(match[1]!.replaceAll('_', ''));
  }
  return undefined;
}

function length(value: PyValue): number | undefined {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (value instanceof PyDict) return value.entries.length;
  return undefined;
}

function items(value: PyValue): PyValue[] | undefined {
  if (typeof value === 'string') return [...value];
  if (Array.isArray(value)) return value;
  if (value instanceof PyDict) return value.entries.map(([k]) => k);
  return undefined;
}

const hashable = (value: PyValue): boolean => !Array.isArray(value) && !(value instanceof PyDict);

/** dict(value) for a value that is not a dict: an iterable of pairs; undefined where Python raises. */
export function pyDict(value: PyValue): PyDict | undefined {
  if (value instanceof PyDict) return value;
  const elements = items(value);
  if (elements === undefined) return undefined;
  const dict = new PyDict();
  for (const element of elements) {
    if (length(element) !== 2) return undefined;
    const [key, entryValue] = items(element)! as [PyValue, PyValue];
    if (!hashable(key)) return undefined;
    dict.set(key, entryValue);
  }
  return dict;
}
