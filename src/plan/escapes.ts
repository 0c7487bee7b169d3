import { SalvoError } from '../errors.js';

/** What `decodeEscapes` rejects, with the offending escape in the message. */
export class EscapeError extends SalvoError {
  override name = 'EscapeError';
  constructor(message: string) {
    super('ERR_ESCAPE', message);
  }
}

/**
 * Text with C-like escapes as bytes: `\n` `\r` `\t` `\0` `\\` and `\xHH`; every other character is
 * UTF-8. The plan keeps the escaped text, so a binary payload stays readable in a result file.
 */
export function decodeEscapes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '\\') {
      const code = text.codePointAt(i)!;
      if (code < 0x80) bytes.push(code);
      else {
        const encoded = Buffer.from(String.fromCodePoint(code), 'utf8');
        bytes.push(...encoded);
        if (code > 0xffff) i++;
      }
      continue;
    }
    const next = text[++i];
    switch (next) {
      case 'n':
        bytes.push(0x0a);
        break;
      case 'r':
        bytes.push(0x0d);
        break;
      case 't':
        bytes.push(0x09);
        break;
      case '0':
        bytes.push(0x00);
        break;
      case '\\':
        bytes.push(0x5c);
        break;
      case 'x': {
        const hex = text.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new EscapeError(`"\\x${hex}" is not an escape: \\x takes two hex digits`);
        bytes.push(parseInt(hex, 16));
        i += 2;
        break;
      }
      case undefined:
        throw new EscapeError('a lone "\\" at the end (write "\\\\" for a backslash)');
      default:
        throw new EscapeError(`"\\${next}" is not an escape (known: \\n \\r \\t \\0 \\\\ \\xHH)`);
    }
  }
  return Buffer.from(bytes);
}
