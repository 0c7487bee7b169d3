// What a plan needs besides itself, carried to the pods in the ConfigMap: its TypeScript scenario,
// bundled into one module with every package it imports (salvo aside, which the image has), its
// data files and its gRPC .proto. The plan file in the ConfigMap names them relative to itself, so a pod finds them in
// the config directory, and so does anyone running the ConfigMap's contents from a folder.

import { SalvoError } from '../errors.js';
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { basename, extname } from 'node:path';
import { bundleScenario } from '../scenario/load-scenario.js';

/** A ConfigMap is stored whole in etcd, which refuses one over 1 MiB. */
export const CONFIG_MAP_LIMIT_BYTES = 1024 * 1024;
export const SHIPPED_SCENARIO = 'scenario.mjs';

type Data = Record<string, unknown>;

const isData = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The plan cannot travel in a ConfigMap; the message is one line that says why. */
export class ShipError extends SalvoError {
  override name = 'ShipError';
  constructor(message: string) {
    super('ERR_K8S', message);
  }
}

function readText(file: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ShipError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!isUtf8(bytes)) throw new ShipError(`${what} ${file} is not UTF-8 text, which a ConfigMap's data must be`);
  return bytes.toString('utf8');
}

/**
 * Plan file data (its paths absolute, as readPlanFile gives them) with its scenario file, data files and
 * .proto taken in: `files` holds their contents by ConfigMap key, the plan names those keys.
 */
export async function shipPlanFiles(planData: Data): Promise<{ planFile: Data; files: Record<string, string> }> {
  const files: Record<string, string> = {};
  const planFile: Data = { ...planData };
  if (typeof planFile.scenario === 'string' && !planFile.scenario.startsWith('builtin:')) {
    files[SHIPPED_SCENARIO] = await bundleScenario(planFile.scenario, 'ship');
    planFile.scenario = SHIPPED_SCENARIO;
  }
  if (isData(planFile.data)) {
    planFile.data = Object.fromEntries(
      Object.entries(planFile.data).map(([name, set]) => {
        if (!isData(set) || typeof set.file !== 'string') return [name, set];
        const key = `data-${name}${extname(set.file)}`;
        files[key] = readText(set.file, `data set "${name}"'s file`);
        return [name, { ...set, file: key }];
      }),
    );
  }
  const target = planFile.target;
  if (isData(target) && typeof target.proto === 'string') {
    const text = readText(target.proto, 'proto file');
    const imported = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"/m.exec(text);
    if (imported)
      throw new ShipError(
        `proto file ${target.proto} imports ${imported[1]}, which the pods would not have: give one .proto that declares every message the call uses`,
      );
    const key = `proto-${basename(target.proto)}`;
    files[key] = text;
    planFile.target = { ...target, proto: key };
  }
  return { planFile, files };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;

/** Refuses a ConfigMap's data over the limit, naming its largest entries. */
export function assertFitsConfigMap(data: Record<string, string>): void {
  const sizes = Object.entries(data).map(([key, value]) => [key, Buffer.byteLength(key) + Buffer.byteLength(value)] as const);
  const total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0);
  if (total <= CONFIG_MAP_LIMIT_BYTES) return;
  const largest = [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([key, bytes]) => `${key} ${kib(bytes)}`);
  throw new ShipError(
    `the ConfigMap would hold ${kib(total)}, over Kubernetes' 1 MiB for one ConfigMap (${largest.join(', ')}): make the data files smaller, or bake them into the image and name them by absolute path`,
  );
}

/** True when `url`'s host is this machine's loopback: from a pod it is the pod itself. */
export function isLoopbackTarget(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
