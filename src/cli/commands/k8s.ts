import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { ShardJobOptions } from '../../cluster/k8s-manifests.js';
import { CONFIG_DIR, POD_PLAN_FILE } from '../../cluster/k8s-names.js';
import { isLoopbackTarget, shipPlanFiles, ShipError } from '../../cluster/k8s-ship.js';
import { isPlanFile, isScenarioFile, readPlanFile, validatePlan, type Plan } from '../../plan/index.js';
import { paletteFor } from '../../report/color.js';
import { renderSummary } from '../../report/terminal-summary.js';
import { RESULT_WRITERS } from '../../report/writers.js';
import { freshSeed } from '../../schedule/random.js';
import { CliError, EXIT } from '../exit-codes.js';
import { ScenarioError } from '../../scenario/from-definition.js';
import { explicitFlags, flagsWithRunOptions, planFromFile, planFromScenario, scenarioPlanData } from '../plan-file-flags.js';
import { checked, DNS_LABEL, QUANTITY, withFittingConfigMap } from '../k8s-checks.js';
import { durationOption, parseCount, parseWholeMs } from '../units.js';
import { addWriterOptions, requestedWriters } from '../writer-options.js';
import type { RunFlags } from '../run-flags.js';
import { renderWorkerCommand } from './k8s-render-worker.js';
import { isSweepFileArgs, sweepManifestsFor } from './k8s-sweep.js';
import { planFromFlags, runCommand } from './run.js';

interface ManifestFlags {
  shards?: number;
  image: string;
  name: string;
  namespace?: string;
  nodeSelector: string | false;
  toleration: string | false;
  cpu: string;
  memory: string;
  allowColocated?: boolean;
  resultsClaim?: string;
  readyTimeout: number;
}

interface RenderFlags extends ManifestFlags {
  out?: string;
  keep?: number;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** "dedicatednode=load" */
export function parseNodeSelector(text: string): NonNullable<ShardJobOptions['nodeSelector']> {
  const [key = '', value, ...rest] = text.split('=');
  if (value === undefined || rest.length > 0 || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value))
    throw new InvalidArgumentError(`"${text}" is not a node label: write key=value, e.g. dedicatednode=load`);
  return { key, value };
}

/** "dedicated=load:NoSchedule" (key equals value) or "dedicated:NoSchedule" (key exists), as `kubectl taint` writes taints. */
export function parseToleration(text: string): NonNullable<ShardJobOptions['toleration']> {
  const match = /^([^=:]+)(?:=([^=:]*))?:([A-Za-z]+)$/.exec(text);
  const effect = EFFECTS.find((candidate) => candidate === match?.[3]);
  if (!match || !effect || !LABEL_KEY.test(match[1]!) || (match[2] !== undefined && !LABEL_VALUE.test(match[2]))) {
    throw new InvalidArgumentError(
      `"${text}" is not a taint to tolerate: write key=value:Effect, e.g. dedicated=load:NoSchedule (effects: ${EFFECTS.join(', ')})`,
    );
  }
  return { key: match[1]!, ...(match[2] !== undefined ? { value: match[2] } : {}), effect };
}

/**
 * Reads `salvo run` arguments as `salvo run` would, without running: the url (or plan file), the
 * flags and which of them were typed, or the one-line problem. The pods add --shard and --out themselves.
 */
export function parseRunArgs(args: string[]): { url: string; flags: RunFlags; explicit: Set<string> } {
  let parsed: { url: string; flags: RunFlags; explicit: Set<string> } | undefined;
  const command = runCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .action((url: string, flags: RunFlags, self: Command) => {
      parsed = { url, flags, explicit: explicitFlags(self) };
    });
  try {
    command.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new CliError(`run arguments: ${error.message.replace(/^error: /, '')}`);
    throw error;
  }
  if (!parsed) throw new CliError('run arguments: give the target URL (or a plan file) and the salvo run options after --');
  return parsed;
}

/**
 * The arguments each shard runs, checked offline: they must make a valid plan split `shards` ways.
 * A plan file (or a scenario file's plan) travels in the ConfigMap (`planFile`) with the files it
 * names (`files`: the bundled scenario, data files), and the pods' arguments name it there.
 */
export async function shardRunArgs(
  args: string[],
  shards: number,
): Promise<{ runArgs: string[]; plan: Plan; planFile?: unknown; files?: Record<string, string> }> {
  const { url, flags: typed, explicit } = parseRunArgs(args);
  const scenarioFile = !isPlanFile(url) && isScenarioFile(url);
  const planFile = isPlanFile(url) || scenarioFile;
  const fileData = scenarioFile ? await scenarioPlanData(url) : planFile ? readPlanFile(url) : undefined;
  const filePlan = (flags: RunFlags, explicitFlags: ReadonlySet<string>): Promise<Plan> =>
    scenarioFile ? planFromScenario(url, flags, explicitFlags) : Promise.resolve(planFromFile(url, flags, explicitFlags));
  const fileRun = planFile ? (await filePlan(typed, explicit)).run : undefined;
  const flags = fileRun ? flagsWithRunOptions(typed, fileRun, explicit) : typed;
  const source = (flag: string, field: string): string => (explicit.has(field) || !planFile ? flag : `run.${field} (or ${flag})`);
  if (flags.shard || (planFile && (fileData as { shard?: unknown } | null)?.shard !== undefined))
    throw new CliError('run arguments: leave out --shard, each pod adds its own');
  const writer = RESULT_WRITERS.find((candidate) => typeof (flags as unknown as Record<string, unknown>)[candidate.key] === 'string');
  if (writer)
    throw new CliError(
      `run arguments: leave out ${source(writer.flags.split(/[ ,]+/).find((part) => part.startsWith('--'))!, writer.key)}, the coordinator writes the merged result`,
    );
  if (flags.ndjson !== undefined) throw new CliError(`run arguments: ${source('--ndjson', 'ndjson')} is not kept from pods; leave it out`);
  if (flags.startAt !== undefined || flags.coordinator !== undefined)
    throw new CliError(
      `run arguments: leave out ${flags.startAt !== undefined ? source('--start-at', 'startAt') : '--coordinator'}, the coordinator starts the shards together`,
    );
  if (flags.bodyFile !== undefined) throw new CliError('run arguments: --body-file names a file the pods do not have; use --body');
  if (flags.payloadFile !== undefined) throw new CliError('run arguments: --payload-file names a file the pods do not have; use --payload');
  if (flags.scenario !== undefined && isScenarioFile(flags.scenario))
    throw new CliError(
      `run arguments: --scenario ${flags.scenario} names a file the pods do not have; give the scenario file itself (salvo k8s render ${flags.scenario} ...) or a plan file that names it`,
    );
  const bad = args.find((arg) => /[\n\r]/.test(arg));
  if (bad !== undefined) throw new CliError('run arguments: an argument holds a line break, which the pods cannot read back');
  // Every shard must draw the same Poisson schedule: the seed is chosen once, here.
  const withSeed = flags.rate !== undefined && flags.arrival === 'poisson' && flags.seed === undefined ? [...args, '--seed', String(freshSeed())] : [...args];
  const final = parseRunArgs(withSeed);
  const { run: _run, shard: _shard, ...whole } = planFile ? await filePlan(final.flags, final.explicit) : validatePlan(planFromFlags(url, final.flags));
  if (whole.connections < shards)
    throw new CliError(`invalid plan: shard: ${shards} shards need at least ${shards} connections to share, the plan has ${whole.connections}`);
  if (!planFile) return { runArgs: withSeed, plan: whole };
  const runArgs = withSeed.map((arg) => (arg === url ? `${CONFIG_DIR}/${POD_PLAN_FILE}` : arg));
  try {
    const shipped = await shipPlanFiles(fileData as Record<string, unknown>);
    return { runArgs, plan: whole, planFile: shipped.planFile, files: shipped.files };
  } catch (error) {
    if (error instanceof ShipError || error instanceof ScenarioError) throw new CliError(error.message);
    throw error;
  }
}

/** The options both `render` and `run` take to shape the manifests. */
function addManifestOptions(command: Command): Command {
  return command
    .usage('--shards <n> [options] -- <url-or-plan> [salvo run options]')
    .argument('<run-args...>', 'after --: the target URL or a plan file, and salvo run options, as for salvo run')
    .option('--shards <n>', 'how many shards (pods), each running 1/n of the load (required for a run)', (text) => parseCount(text))
    .option('--image <image>', 'container image with salvo on its PATH', 'salvo:0.1.0')
    .option(
      '--name <name>',
      'name of the ConfigMap and the Jobs (the coordinator is <name>-coordinator)',
      checked(DNS_LABEL, 'a DNS label (lower-case letters, digits, -)'),
      'salvo',
    )
    .option('--namespace <namespace>', "namespace of the objects (default: kubectl's current)", checked(DNS_LABEL, 'a namespace name'))
    .option('--node-selector <key=value>', 'run only on nodes with this label', parseNodeSelector as (text: string) => unknown, 'dedicatednode=load')
    .option('--no-node-selector', 'run on any node')
    .option(
      '--toleration <key=value:Effect>',
      'tolerate this taint of the dedicated nodes',
      parseToleration as (text: string) => unknown,
      'dedicated=load:NoSchedule',
    )
    .option('--no-toleration', 'tolerate no taint')
    .option('--cpu <quantity>', 'CPU of each shard pod, requested and limit', checked(QUANTITY, 'a Kubernetes quantity (1, 500m)'), '1')
    .option('--memory <quantity>', 'memory of each pod, requested and limit', checked(QUANTITY, 'a Kubernetes quantity (512Mi, 1Gi)'), '1Gi')
    .option('--allow-colocated', 'let two shards share a node (no pod anti-affinity)')
    .option('--results-claim <claim>', 'PersistentVolumeClaim (ReadWriteMany) for the results; default an emptyDir per pod', checked(DNS_LABEL, 'a claim name'))
    .addOption(
      durationOption(
        '--ready-timeout <duration>',
        'how long the coordinator waits for every shard pod (scheduling and image pulls included)',
        parseWholeMs,
        300_000,
      ),
    );
}

/** The manifests for `args`, every input checked. */
async function manifestsFor(args: string[], flags: ManifestFlags): Promise<Record<string, unknown>[]> {
  const { shards } = flags;
  if (shards === undefined) throw new CliError("required option '--shards <n>' not specified (a sweep file, salvo k8s render sweep.yaml, runs in one pod)");
  const { runArgs, plan, planFile, files } = await shardRunArgs(args, shards);
  const loopback = [plan.target.url, ...Object.values(plan.scenarios ?? {}).flatMap((scenario) => (scenario.target ? [scenario.target.url] : []))].find(
    isLoopbackTarget,
  );
  if (loopback !== undefined)
    process.stderr.write(`warning: the target ${loopback} is a loopback address: from a pod it is the pod itself, not this machine\n`);
  // Loaded here: the YAML library would add tens of ms to the start of every other command.
  const { shardJobManifests } = await import('../../cluster/k8s-manifests.js');
  const manifests = shardJobManifests({
    name: flags.name,
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    shards,
    image: flags.image,
    runArgs,
    plan,
    ...(planFile !== undefined ? { planFile } : {}),
    ...(files !== undefined ? { files } : {}),
    ...placementFlags(flags),
    cpu: flags.cpu,
    memory: flags.memory,
    allowColocated: flags.allowColocated === true,
    ...(flags.resultsClaim ? { resultsClaim: flags.resultsClaim } : {}),
    readyTimeout: `${flags.readyTimeout}ms`,
  });
  return withFittingConfigMap(manifests);
}

/** The pods' node selector and toleration; commander hands a default through its parser only when given on the command line. */
function placementFlags(flags: ManifestFlags): Pick<ShardJobOptions, 'nodeSelector' | 'toleration'> {
  const nodeSelector =
    typeof flags.nodeSelector === 'string' ? parseNodeSelector(flags.nodeSelector) : (flags.nodeSelector as unknown as ShardJobOptions['nodeSelector'] | false);
  const toleration =
    typeof flags.toleration === 'string' ? parseToleration(flags.toleration) : (flags.toleration as unknown as ShardJobOptions['toleration'] | false);
  return { ...(nodeSelector ? { nodeSelector } : {}), ...(toleration ? { toleration } : {}) };
}

/** The manifests `render` writes: a sweep's when its one argument is a sweep file, a sharded run's otherwise. */
async function renderedManifests(args: string[], flags: RenderFlags): Promise<Record<string, unknown>[]> {
  if (!isSweepFileArgs(args)) {
    if (flags.keep !== undefined) throw new CliError('--keep applies to a sweep file (salvo k8s render sweep.yaml), not to a sharded run');
    return manifestsFor(args, flags);
  }
  if (flags.shards !== undefined) throw new CliError('--shards: a sweep runs its cells one after another in one pod; leave it out');
  return sweepManifestsFor(args[0]!, flags, placementFlags(flags));
}

/** Files of `render --out`: what each holds, by kind and component. */
const RENDER_FILES: [file: string, holds: (manifest: Record<string, unknown>) => boolean][] = [
  ['00-configmap.yaml', (manifest) => manifest.kind === 'ConfigMap'],
  ['10-job.yaml', (manifest) => manifest.kind === 'Job' && (componentOf(manifest) === 'shard' || componentOf(manifest) === 'sweep')],
  ['20-coordinator.yaml', (manifest) => componentOf(manifest) === 'coordinator'],
];

const componentOf = (manifest: Record<string, unknown>): unknown =>
  (manifest.metadata as { labels: Record<string, string> }).labels['app.kubernetes.io/component'];

export function k8sCommand(): Command {
  const k8s = new Command('k8s').description('run shards of one load as pods on Kubernetes, started together and merged by a coordinator pod');
  k8s.addCommand(
    addManifestOptions(new Command('render'))
      .description(
        "write the manifests (a ConfigMap, an Indexed Job with one pod per shard, the coordinator's Job and Service) for a run, or (salvo k8s render sweep.yaml) a ConfigMap and a Job that runs a sweep and keeps its study directory; needs no cluster",
      )
      .option('--out <dir>', 'write 00-configmap.yaml, 10-job.yaml and 20-coordinator.yaml into this directory instead of stdout')
      .option(
        '--keep <duration>',
        'a sweep: how long its pod stays up after the study so kubectl cp can copy the directory out of its emptyDir (default 1h; none with --results-claim)',
        parseWholeMs,
      )
      .action(async (args: string[], flags: RenderFlags) => {
        const manifests = await renderedManifests(args, flags);
        const { manifestsYaml } = await import('../../cluster/k8s-manifests.js');
        if (flags.out === undefined) {
          process.stdout.write(manifestsYaml(manifests));
          return;
        }
        try {
          mkdirSync(flags.out, { recursive: true });
          for (const [file, holds] of RENDER_FILES) {
            const held = manifests.filter(holds);
            if (held.length === 0) continue;
            writeFileSync(join(flags.out, file), manifestsYaml(held));
            process.stdout.write(`  written: ${join(flags.out, file)}\n`);
          }
        } catch (error) {
          throw new CliError(`--out: ${(error as Error).message}`);
        }
      }),
  );
  k8s.addCommand(
    addWriterOptions(addManifestOptions(new Command('run')))
      .description('apply the manifests with kubectl, follow the coordinator, and write the merged result here (--out, --html, ...)')
      .action(async (args: string[], flags: ManifestFlags & Record<string, unknown>) => {
        process.exitCode = await runOnCluster(args, flags);
      }),
  );
  k8s.addCommand(renderWorkerCommand());
  return k8s;
}

async function runOnCluster(args: string[], flags: ManifestFlags & Record<string, unknown>): Promise<number> {
  const writers = requestedWriters(flags);
  const manifests = await manifestsFor(args, flags);
  const { kubectlRunner, runOnKubernetes } = await import('../../cluster/k8s-run.js');
  const result = await runOnKubernetes(manifests, {
    name: flags.name,
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    kubectl: kubectlRunner,
    podStartTimeoutS: Math.ceil(flags.readyTimeout / 1000),
    onLine: (line) => process.stdout.write(`  ${line}\n`),
  });
  for (const writer of writers) await writer.write(result);
  process.stdout.write(`${renderSummary(result, paletteFor(process.stdout)).join('\n')}\n`);
  for (const writer of writers) process.stdout.write(`  written: ${writer.path}\n`);
  if (result.partial) return EXIT.internal;
  return result.thresholds?.some((threshold) => !threshold.passed) ? EXIT.thresholds : EXIT.ok;
}
