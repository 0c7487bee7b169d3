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

export const systemClock: Clock = {
  nowUs: () => performance.now() * 1000,
  epochMsAt: (us) => performance.timeOrigin + us / 1000,
  setTimer: (callback, delayMs) => {
    const timeout = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timeout) };
  },
  setImmediate: (callback) => {
    const immediate = setImmediate(callback);
    return { cancel: () => clearImmediate(immediate) };
  },
};
