import { InvalidArgumentError, Option } from 'commander';

const DURATION_UNITS_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SUFFIX_EXPONENTS: Record<string, number> = { '': 0, k: 3, K: 3, m: 6, M: 6 };

/** "4.1" with "M" → 4100000 exactly: the suffix shifts the decimal point instead of multiplying a float. */
const scaled = (digits: string, suffix: string): number => Number(`${digits}e${SUFFIX_EXPONENTS[suffix]!}`);

/** "30s", "2m", "500ms", "1.5h"; a bare number is seconds, as in wrk and autocannon. Returns ms. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new InvalidArgumentError(`"${text}" is not a duration (examples: 500ms, 30s, 2m, 1h)`);
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's']!;
  if (!(ms > 0)) throw new InvalidArgumentError(`"${text}" must be longer than zero`);
  return ms;
}

/** Milliseconds as a flag takes them, in the largest unit that is exact: 5m, 10s, 250ms. */
export function formatDurationFlag(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const count = ms / DURATION_UNITS_MS[unit]!;
    if (Number.isInteger(count) && count > 0) return `${count}${unit}`;
  }
  return `${ms}ms`;
}

/** A duration flag with a default in ms, shown by --help as the flag takes it (`30s`, not 30000). */
export function durationOption(flags: string, description: string, parse: (text: string) => number, defaultMs: number): Option {
  return new Option(flags, description).argParser(parse).default(defaultMs, formatDurationFlag(defaultMs));
}

/** A whole number of milliseconds, at least 1. */
export function parseWholeMs(text: string): number {
  return Math.max(1, Math.round(parseDuration(text)));
}

/** "500", "2k", "1.5k", "2k/s", "1M" requests per second; must be > 0. */
export function parseRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([kKmM]?)\s*(?:\/s)?\s*$/.exec(text);
  if (!match) throw new InvalidArgumentError(`"${text}" is not a rate (examples: 500, 2k, 1.5k, 0.5)`);
  const rate = scaled(match[1]!, match[2]!);
  if (!(rate > 0)) throw new InvalidArgumentError(`"${text}" must be greater than 0`);
  return rate;
}

/** A whole number ≥ `min`, with an optional k/M suffix ("50", "2k"). */
export function parseCount(text: string, min = 1): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  const value = match ? scaled(match[1]!, match[2]!) : Number.NaN;
  if (!Number.isInteger(value)) throw new InvalidArgumentError(`"${text}" is not a whole number`);
  if (value < min) throw new InvalidArgumentError(`"${text}" must be at least ${min}`);
  return value;
}

/** "Name: value" → [name, value]. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError(`"${text}" is not a header (expected "Name: value")`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** A TCP port; 0 means any free port. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) throw new InvalidArgumentError(`"${text}" is not a port (0-65535)`);
  return port;
}
