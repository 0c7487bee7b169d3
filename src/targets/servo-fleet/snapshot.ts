// --state-file: every seen app's state, written on shutdown and read back on start.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type Fleet, NO_PROGRESS, type AppSnapshot } from './fleet.js';
import { commandCode, stateCode } from './protocol.js';
import { SalvoError, type SalvoErrorOptions } from '../../errors.js';

export interface FleetSnapshot {
  format: 'salvo-servo-fleet/1';
  apps: Record<string, AppSnapshot>;
}

export class SnapshotError extends SalvoError {
  override name = 'SnapshotError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_STATE_FILE', message, options);
  }
}

export function takeSnapshot(fleet: Fleet): FleetSnapshot {
  const apps: Record<string, AppSnapshot> = {};
  for (let i = 0; i < fleet.count; i++) {
    if (fleet.seen[i] === 1) apps[fleet.nameOf(i)] = fleet.snapshotOf(i);
  }
  return { format: 'salvo-servo-fleet/1', apps };
}

/** Validates the whole snapshot before touching the fleet, so a bad one changes nothing. */
export function restoreSnapshot(fleet: Fleet, value: unknown): number {
  const fail = (why: string): never => {
    throw new SnapshotError(why);
  };
  if (typeof value !== 'object' || value === null || (value as FleetSnapshot).format !== 'salvo-servo-fleet/1') fail('not a salvo-servo-fleet/1 snapshot');
  const apps = (value as FleetSnapshot).apps;
  if (typeof apps !== 'object' || apps === null) fail('"apps" is not an object');
  const rows: [string, number, number, number, number][] = [];
  for (const [name, entry] of Object.entries(apps)) {
    if (!fleet.voracious && fleet.indexOf(name) < 0) fail(`${name} is not an application of a fleet of ${fleet.size}`);
    const e = entry as Partial<AppSnapshot> | null;
    const state = typeof e?.state === 'string' ? stateCode(e.state) : -1;
    const pending = e?.pending === null || typeof e?.pending === 'string' ? commandCode(e.pending) : -1;
    const progress = e?.progress ?? null;
    const progressOk = progress === null || Number.isSafeInteger(progress);
    if (state < 0 || pending < 0 || !progressOk || !Number.isInteger(e?.cycles) || e!.cycles! < 0) fail(`${name}: bad entry ${JSON.stringify(entry)}`);
    rows.push([name, state, pending, progress ?? NO_PROGRESS, e!.cycles!]);
  }
  for (const [name, state, pending, progress, cycles] of rows) {
    const app = fleet.indexFor(name);
    fleet.state[app] = state;
    fleet.pending[app] = pending;
    fleet.progress[app] = progress;
    fleet.cycles[app] = cycles;
    fleet.seen[app] = 1;
  }
  return rows.length;
}

/** Reads a state file into the fleet; a missing file is a fresh start (0). */
export function loadStateFile(fleet: Fleet, path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new SnapshotError(`cannot read state file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`state file ${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return restoreSnapshot(fleet, value);
  } catch (error) {
    throw new SnapshotError(`state file ${path} is corrupt: ${(error as Error).message}`);
  }
}

/** Writes via a temporary file and a rename, so a crash mid-write leaves the old snapshot whole. */
export function saveStateFile(fleet: Fleet, path: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(takeSnapshot(fleet))}\n`);
  renameSync(temporary, path);
}
