import type { RunFlags } from './run-flags.js';
import { CliError } from './exit-codes.js';

type Data = Record<string, unknown>;

/** --hold's own flags apply only with it; `sending` names the other ways of sending that were given, which --hold replaces. */
export function checkHoldFlags(flags: RunFlags, sending: readonly [flag: string, value: unknown][]): void {
  if (flags.hold === undefined) {
    for (const [flag, value] of [
      ['controller', flags.controller],
      ['min-concurrency', flags.minConcurrency],
      ['max-concurrency', flags.maxConcurrency],
      ['tick', flags.tick],
    ] as const) {
      if (value !== undefined) throw new CliError(`--${flag} applies only with --hold`);
    }
    return;
  }
  for (const [flag, value] of sending) {
    if (value !== undefined) throw new CliError(`--hold turns the concurrency to hold a throughput: leave out --${flag}`);
  }
}

/**
 * The executor of `--hold <rate>`: constant-throughput turning requests in flight, or for virtual
 * users held-vus turning the user count (whole users: --min/max-concurrency are its minVus/maxVus),
 * keeping the users' mix when the load they replace had one.
 */
export function heldExecutor(flags: RunFlags & { hold: number }, durationMs: unknown, users: { userTypes?: unknown } | undefined): Data {
  const tuning = {
    ...(flags.controller !== undefined ? { controller: flags.controller } : {}),
    ...(flags.tick !== undefined ? { tickMs: flags.tick } : {}),
  };
  if (users === undefined)
    return {
      type: 'constant-throughput',
      setpointPerSec: flags.hold,
      durationMs,
      ...tuning,
      ...(flags.minConcurrency !== undefined ? { minConcurrency: flags.minConcurrency } : {}),
      ...(flags.maxConcurrency !== undefined ? { maxConcurrency: flags.maxConcurrency } : {}),
    };
  return {
    type: 'held-vus',
    setpointPerSec: flags.hold,
    durationMs,
    ...tuning,
    ...(flags.minConcurrency !== undefined ? { minVus: flags.minConcurrency } : {}),
    ...(flags.maxConcurrency !== undefined ? { maxVus: flags.maxConcurrency } : {}),
    ...(users.userTypes !== undefined ? { userTypes: users.userTypes } : {}),
  };
}
