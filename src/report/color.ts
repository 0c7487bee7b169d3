/** The few colors salvo uses; each wraps text in an ANSI color and resets only the foreground. */
export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const paint = (code: number) => (text: string) => `\x1b[${code}m${text}\x1b[39m`;
const asIs = (text: string): string => text;

export const COLORS: Palette = { green: paint(32), red: paint(31), yellow: paint(33) };
export const NO_COLORS: Palette = { green: asIs, red: asIs, yellow: asIs };

/**
 * Colors on a terminal only. Any non-empty NO_COLOR turns them off (https://no-color.org) and wins over
 * everything; FORCE_COLOR=0 (or false) turns them off, any other FORCE_COLOR turns them on even in a pipe.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true;
}

export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  return wantsColor(stream, env) ? COLORS : NO_COLORS;
}
