import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { systemClock } from '../time/clock.js';
import { waitUntil } from '../time/start-at.js';
import type { RunOptions } from './handle.js';

let collector: (() => void) | null | undefined;

/**
 * A full garbage collection. Loading the modules, the plan and the target leaves V8 an incremental
 * marking under way, and its final pause (tens of ms) would otherwise land in a run's first
 * milliseconds, late for every request due meanwhile. V8 hands out its collector only to contexts
 * made once `--expose-gc` is set; where it does not, nothing runs.
 */
function collectGarbage(): void {
  if (collector === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') collector = exposed as () => void;
    else {
      setFlagsFromString('--expose-gc');
      let fresh: unknown;
      try {
        fresh = runInNewContext('gc');
      } catch {
        // A V8 that keeps it hidden: runs start without.
      }
      collector = typeof fresh === 'function' ? (fresh as () => void) : null;
    }
  }
  collector?.();
}

/** What comes between a load that is ready (target resolved, probed, connected) and its time zero. */
export type TimeZero = () => Promise<void>;

/** A settled heap (on the real clock: a pause on an injected one costs no time), then the start instant if one was asked for. */
export function timeZeroOf(options: RunOptions): TimeZero {
  return async () => {
    if ((options.clock ?? systemClock) === systemClock) collectGarbage();
    if (options.startAtEpochMs !== undefined) await waitUntil(options.startAtEpochMs);
  };
}

/**
 * One time zero for loads that get ready apart (scenarios side by side): each waits until all are
 * ready, then `timeZero` passes once for all. A load that fails to get ready fails the others' wait.
 */
export function sharedTimeZero(count: number, timeZero: TimeZero): { arrive: TimeZero; abandon: (error: unknown) => void } {
  let arrived = 0;
  let release: () => void = () => {};
  let abandon: (error: unknown) => void = () => {};
  const allReady = new Promise<void>((resolve, reject) => {
    release = resolve;
    abandon = reject;
  });
  const passed = allReady.then(timeZero);
  passed.catch(() => {}); // the load that failed reports it; the waits of those already ready end with it
  return {
    arrive: () => {
      if (++arrived === count) release();
      return passed;
    },
    abandon,
  };
}
