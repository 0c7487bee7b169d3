import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { readResult } from '../result/io.js';
import type { RunResult } from '../result/types.js';
import { VERSION } from '../version.js';
import type { GridValue } from './definition.js';
import { SweepError, type ResolvedSweep } from './resolve.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SCHEMA = 'salvo.sweep/v1';
const PARTIAL_SUFFIX = '.partial';

/** The study directory's record of what ran where: enough to resume it, plot it and repeat it. */
export interface SweepManifest {
  schema: typeof MANIFEST_SCHEMA;
  name: string;
  /** The sweep as validated, its seed filled in. */
  definition: ResolvedSweep['definition'];
  grid: Record<string, GridValue[]>;
  seed: number;
  order: 'shuffled' | 'fixed';
  repeats: number;
  /** Changes with anything that changes a run's plan: a resume refuses a directory of another study. */
  fingerprint: string;
  tool: { name: 'salvo'; version: string; node: string };
  machine: MachineRecord;
  startedAt: string;
  /** Set when the study ends, complete or interrupted. */
  endedAt?: string;
  state: 'running' | 'complete' | 'interrupted';
  /** Every run in the order it goes, each with its result file once it has finished. */
  runs: { file: string; cell: string; params: Record<string, GridValue>; repeat: number; done: boolean }[];
}

export interface MachineRecord {
  hostname: string;
  platform: string;
  release: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
}

export function machineRecord(): MachineRecord {
  const cores = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    release: release(),
    arch: arch(),
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    memoryBytes: totalmem(),
  };
}

/** A digest of every run's plan and file: equal for the same sweep, whichever order it is resolved in. */
export function studyFingerprint(sweep: ResolvedSweep): string {
  const runs = sweep.runs.map((run) => ({ file: run.file, plan: run.plan })).sort((a, b) => a.file.localeCompare(b.file));
  return createHash('sha256')
    .update(JSON.stringify({ cooldownMs: sweep.definition.cooldownMs, runs }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Written whole or not at all: to a file beside it, then renamed over it (atomic on one file system), so
 * a study killed mid-write leaves the old file or the new one, never half of one.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}${PARTIAL_SUFFIX}`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

export async function writeManifest(dir: string, manifest: SweepManifest): Promise<void> {
  await writeAtomically(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readManifest(dir: string): Promise<SweepManifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as SweepManifest;
    if (manifest.schema !== MANIFEST_SCHEMA) throw new Error(`schema ${JSON.stringify(manifest.schema)}, expected "${MANIFEST_SCHEMA}"`);
    return manifest;
  } catch (error) {
    throw new SweepError([`${path} is not a sweep manifest: ${(error as Error).message.split('\n')[0]}`]);
  }
}

/** The result files in the directory: a file is there only once its run finished (see writeAtomically). */
export function finishedFiles(dir: string): Set<string> {
  if (!existsSync(dir)) return new Set();
  return new Set(readdirSync(dir).filter((file) => file.endsWith('.json') && file !== MANIFEST_FILE));
}

/** Makes the directory; a file a killed study was writing when it died is removed (its run had not finished, so it runs again). */
export async function prepareStudyDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new SweepError([`cannot make the study directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  for (const file of readdirSync(dir)) if (file.endsWith(PARTIAL_SUFFIX)) await rm(join(dir, file), { force: true });
}

/** Each finished run's result, read back from its file. */
export async function readRunResults(dir: string, files: readonly string[]): Promise<Map<string, RunResult>> {
  const results = new Map<string, RunResult>();
  for (const file of files) {
    try {
      results.set(file, await readResult(join(dir, file)));
    } catch (error) {
      throw new SweepError([(error as Error).message]);
    }
  }
  return results;
}

export function newManifest(sweep: ResolvedSweep, done: ReadonlySet<string>, startedAt: string): SweepManifest {
  return {
    schema: MANIFEST_SCHEMA,
    name: sweep.name,
    definition: { ...sweep.definition, seed: sweep.seed },
    grid: Object.fromEntries(sweep.keys.map(({ key, values }) => [key, values])),
    seed: sweep.seed,
    order: sweep.definition.order,
    repeats: sweep.definition.repeats,
    fingerprint: studyFingerprint(sweep),
    tool: { name: 'salvo', version: VERSION, node: process.version },
    machine: machineRecord(),
    startedAt,
    state: 'running',
    runs: sweep.runs.map((run) => ({ file: run.file, cell: run.cell.id, params: run.cell.params, repeat: run.repeat, done: done.has(run.file) })),
  };
}
