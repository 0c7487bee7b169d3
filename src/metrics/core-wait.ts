import { readFileSync } from 'node:fs';

/**
 * How long the calling thread has been ready to run but waiting for a core, ns: Linux's schedstat
 * (its second field). Undefined where the system does not say.
 */
export function coreWaitNs(): number | undefined {
  try {
    const waitNs = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/)[1]);
    return Number.isFinite(waitNs) ? waitNs : undefined;
  } catch {
    return undefined;
  }
}
