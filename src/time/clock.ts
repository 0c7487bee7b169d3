import { performance } from 'node:perf_hooks';

export interface Timer {
  cancel(): void;
}

/** Monotonic time in microseconds plus timers, injected so pacers and executors are tested without sleeping. */
export interface Clock {
  /** Monotonic microseconds since an arbitrary origin (fractional; callers round when they record). */
  nowUs(): number;
  /** Wall-clock milliseconds since the Unix epoch at monotonic time `us`. */
  epochMsAt(us: number): number;
  setTimer(callback: () => void, delayMs: number): Timer;
  /** Runs `callback` once pending I/O has been handled: a wait finer than a timer's 1 ms grain. */
  setImmediate(callback: () => void): Timer;
}

/** Node's timers hold at most 2^31 − 1 ms (24.8 days): a longer delay fires after 1 ms instead. */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * setTimeout for any delay: one longer than a timer holds (a run of -d 600h, a grace period of weeks)
 * is taken in steps of at most `longestStepMs`, each re-aimed at the same due time, so it never fires early.
 */
export function setLongTimeout(callback: () => void, delayMs: number, longestStepMs = LONGEST_TIMER_MS): Timer {
  if (delayMs <= longestStepMs) {
    // The pacers' every wait: no closure beyond the timer's own.
    const timeout = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timeout) };
  }
  const dueMs = performance.now() + delayMs;
  let timeout: NodeJS.Timeout;
  // Node's timers may fire up to a millisecond before their delay (its loop clock is whole ms),
  // so each step re-measures what is left and only a step at or past the due instant calls back.
  const arm = (leftMs: number): void => {
    if (leftMs <= 0) {
      callback();
      return;
    }
    timeout = setTimeout(() => arm(dueMs - performance.now()), Math.min(leftMs, longestStepMs));
  };
  arm(delayMs);
  return { cancel: () => clearTimeout(timeout) };
}

export const systemClock: Clock = {
  nowUs: () => performance.now() * 1000,
  epochMsAt: (us) => performance.timeOrigin + us / 1000,
  setTimer: setLongTimeout,
  setImmediate: (callback) => {
    const immediate = setImmediate(callback);
    return { cancel: () => clearImmediate(immediate) };
  },
};
