import { performance } from 'node:perf_hooks';

/** Longest CPU spin a built-in target accepts: a request may keep a core busy, not hang it. */
export const MAX_SPIN_MS = 60_000;

/** `Server-Timing: app;dur=<ms>`'s value: the time since `startMs` (performance.now()), to the µs. */
export function serverTiming(startMs: number): string {
  return serverTimingOf(performance.now() - startMs);
}

export function serverTimingOf(durationMs: number): string {
  return `app;dur=${durationMs.toFixed(3)}`;
}

/** Keeps the CPU busy for `ms`: a stand-in for work, unlike a timer, which leaves the core free. */
export function spin(ms: number): void {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    // busy loop
  }
}
