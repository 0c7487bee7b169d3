import { LONGEST_TIMER_MS } from '../time/clock.js';
import { SalvoError, type SalvoErrorOptions } from '../errors.js';

/** Why a start time cannot be used, in one line. */
export class StartAtError extends SalvoError {
  override name = 'StartAtError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_START_AT', message, options);
  }
}

/** An ISO 8601 instant with a date, a time and a zone ("2026-11-23T08:00:00Z", "…+01:00"). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * The wall-clock instant of `--start-at`, epoch ms. A zone is required: shards on machines with
 * different time zones must read the same instant. A time not after `nowMs` is refused, since the
 * shards that read it would each start at once, apart.
 */
export function parseStartAt(text: string, nowMs: number): number {
  const atMs = ISO_INSTANT.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(atMs)) throw new StartAtError(`"${text}" is not an ISO time with a zone, e.g. 2026-11-23T08:00:00Z`);
  if (atMs <= nowMs) throw new StartAtError(`${new Date(atMs).toISOString()} is ${Math.round(nowMs - atMs)} ms in the past`);
  return atMs;
}

/**
 * Resolves at the wall-clock instant `atMs` (or just after), sleeping on timers: a timer never fires
 * early on its own clock, and the loop covers a wall clock that was stepped meanwhile.
 */
export async function waitUntil(atMs: number, nowMs: () => number = Date.now): Promise<void> {
  for (let leftMs = atMs - nowMs(); leftMs > 0; leftMs = atMs - nowMs()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(Math.ceil(leftMs), LONGEST_TIMER_MS)));
  }
}

/** What a run started with `--start-at` records: the instant asked for and how far time zero missed it. */
export interface StartAt {
  requested: string;
  /** Time zero minus the requested instant, ms (the run gets ready before it, so this is the timer's lateness). */
  skewMs: number;
}

export function startAtRecord(requestedMs: number, startedAt: string): StartAt {
  return { requested: new Date(requestedMs).toISOString(), skewMs: Math.round((Date.parse(startedAt) - requestedMs) * 1000) / 1000 };
}
