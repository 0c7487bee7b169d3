import { resolve as resolvePath } from 'node:path';
import { POD_PLAN_FILE } from '../../cluster/k8s-names.js';
import type { ShardJobOptions } from '../../cluster/k8s-manifests.js';
import { isLoopbackTarget, ShipError, shipPlanFiles } from '../../cluster/k8s-ship.js';
import { withFittingConfigMap } from '../k8s-checks.js';
import { isPlanFile, readPlanFile } from '../../plan/index.js';
import { withPathsFromFile } from '../../plan/paths.js';
import { ScenarioError } from '../../scenario/from-definition.js';
import { baseDirOf, resolveSweep, SweepError, type ResolvedSweep } from '../../sweep/resolve.js';
import { CliError } from '../exit-codes.js';
import { readSweepFile, sweepCliError } from './sweep.js';

/** How long a sweep pod whose results are in an emptyDir stays up after the study, for `kubectl cp`, when --keep is not given. */
export const DEFAULT_KEEP_MS = 3_600_000;

export interface SweepRenderFlags {
  name: string;
  namespace?: string;
  image: string;
  cpu: string;
  memory: string;
  resultsClaim?: string;
  keep?: number;
}

type Data = Record<string, unknown>;

/** `k8s render`'s arguments are one sweep file: a plan-like file (YAML or JSON) with a `grid`. */
export function isSweepFileArgs(args: readonly string[]): boolean {
  if (args.length !== 1 || !isPlanFile(args[0]!)) return false;
  const data = readSweepFile(args[0]!);
  return typeof data === 'object' && data !== null && 'grid' in data;
}

/** The ConfigMap and Job that run the study of `file` in one pod, every input checked. */
export async function sweepManifestsFor(
  file: string,
  flags: SweepRenderFlags,
  placement: Pick<ShardJobOptions, 'nodeSelector' | 'toleration'>,
): Promise<Record<string, unknown>[]> {
  const definition = readSweepFile(file) as Data;
  let resolved: ResolvedSweep;
  try {
    resolved = resolveSweep(definition, { baseDir: baseDirOf(file), file });
  } catch (error) {
    if (error instanceof SweepError) throw sweepCliError(error, file);
    throw error;
  }
  const loopback = resolved.runs.map((run) => run.plan.target.url).find(isLoopbackTarget);
  if (loopback !== undefined)
    process.stderr.write(`warning: the target ${loopback} is a loopback address: from a pod it is the pod itself, not this machine\n`);
  // The base plan's files, relative to the plan file (or, for an inline plan, to the sweep file), made absolute before they are taken in.
  const basePlan = typeof definition.plan === 'string' ? readPlanFile(resolvePath(baseDirOf(file), definition.plan)) : withPathsFromFile(definition.plan, file);
  let shipped: Awaited<ReturnType<typeof shipPlanFiles>>;
  try {
    shipped = await shipPlanFiles(basePlan as Data);
  } catch (error) {
    if (error instanceof ShipError || error instanceof ScenarioError) throw new CliError(error.message);
    throw error;
  }
  const { sweepJobManifests } = await import('../../cluster/k8s-sweep.js');
  const manifests = sweepJobManifests({
    name: flags.name,
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    image: flags.image,
    ...placement,
    cpu: flags.cpu,
    memory: flags.memory,
    ...(flags.resultsClaim ? { resultsClaim: flags.resultsClaim } : {}),
    sweep: { ...definition, name: resolved.name, plan: POD_PLAN_FILE },
    planFile: shipped.planFile,
    files: shipped.files,
    study: resolved.name,
    keepS: Math.ceil((flags.keep ?? DEFAULT_KEEP_MS) / 1000),
  });
  return withFittingConfigMap(manifests);
}
