// Application names are "app" + a 5-digit zero-padded index, as in the original emulator.

const A = 97;
const P = 112;
const ZERO = 48;

export const APP_NAME_LENGTH = 8;

/** "app00042" → 42 (checked char by char, no regex or substring), or -1 when not a name below `count`. */
export function parseAppName(text: string, start: number, end: number, count: number): number {
  if (end - start !== APP_NAME_LENGTH) return -1;
  if (text.charCodeAt(start) !== A || text.charCodeAt(start + 1) !== P || text.charCodeAt(start + 2) !== P) return -1;
  let index = 0;
  for (let i = start + 3; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    index = index * 10 + digit;
  }
  return index < count ? index : -1;
}

export function appName(index: number): string {
  return `app${String(index).padStart(5, '0')}`;
}
