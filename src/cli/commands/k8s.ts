import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { ShardJobOptions } from '../../cluster/k8s-manifests.js';
import { validatePlan } from '../../plan/index.js';
import { freshSeed } from '../../schedule/random.js';
import { RESULT_WRITERS } from '../../report/writers.js';
import { CliError } from '../exit-codes.js';
import { parseCount } from '../units.js';
import { planFromFlags, runCommand, type RunFlags } from './run.js';

interface RenderFlags {
  shards: number;
  image: string;
  name: string;
  namespace?: string;
  nodeSelector: string | false;
  toleration: string | false;
  cpu: string;
  memory: string;
  allowColocated?: boolean;
  resultsClaim?: string;
  out?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

function checked(pattern: RegExp, what: string): (text: string) => string {
  return (text: string) => {
    if (!pattern.test(text)) throw new InvalidArgumentError(`"${text}" is not ${what}`);
    return text;
  };
}

/** "dedicatednode=load" */
export function parseNodeSelector(text: string): NonNullable<ShardJobOptions['nodeSelector']> {
  const [key = '', value, ...rest] = text.split('=');
  if (value === undefined || rest.length > 0 || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) throw new InvalidArgumentError(`"${text}" is not a node label: write key=value, e.g. dedicatednode=load`);
  return { key, value };
}

/** "dedicated=load:NoSchedule" (key equals value) or "dedicated:NoSchedule" (key exists), as `kubectl taint` writes taints. */
export function parseToleration(text: string): NonNullable<ShardJobOptions['toleration']> {
  const match = /^([^=:]+)(?:=([^=:]*))?:([A-Za-z]+)$/.exec(text);
  const effect = EFFECTS.find((candidate) => candidate === match?.[3]);
  if (!match || !effect || !LABEL_KEY.test(match[1]!) || (match[2] !== undefined && !LABEL_VALUE.test(match[2]))) {
    throw new InvalidArgumentError(`"${text}" is not a taint to tolerate: write key=value:Effect, e.g. dedicated=load:NoSchedule (effects: ${EFFECTS.join(', ')})`);
  }
  return { key: match[1]!, ...(match[2] !== undefined ? { value: match[2] } : {}), effect };
}

/**
 * Reads `salvo run` arguments as `salvo run` would, without running: the url and flags, or the
 * one-line problem. The pods add --shard and --out themselves.
 */
export function parseRunArgs(args: string[]): { url: string; flags: RunFlags } {
  let parsed: { url: string; flags: RunFlags } | undefined;
  const command = runCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .action((url: string, flags: RunFlags) => {
      parsed = { url, flags };
    });
  try {
    command.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new CliError(`run arguments: ${error.message.replace(/^error: /, '')}`);
    throw error;
  }
  if (!parsed) throw new CliError('run arguments: give the target URL and the salvo run options after --');
  return parsed;
}

/** The arguments each shard runs, checked offline: they must make a valid plan split `shards` ways. */
export function shardRunArgs(args: string[], shards: number): { runArgs: string[]; plan: unknown } {
  const { url, flags } = parseRunArgs(args);
  if (flags.shard) throw new CliError('run arguments: leave out --shard, each pod adds its own');
  const writer = RESULT_WRITERS.find((candidate) => typeof (flags as unknown as Record<string, unknown>)[candidate.key] === 'string');
  if (writer) throw new CliError(`run arguments: leave out ${writer.flags.split(/[ ,]+/).find((part) => part.startsWith('--'))}, each pod writes its result to its volume (merge them, then report)`);
  if (flags.ndjson !== undefined) throw new CliError('run arguments: --ndjson is not kept from pods; leave it out');
  if (flags.bodyFile !== undefined) throw new CliError('run arguments: --body-file names a file the pods do not have; use --body');
  const bad = args.find((arg) => /[\n\r]/.test(arg));
  if (bad !== undefined) throw new CliError('run arguments: an argument holds a line break, which the pods cannot read back');
  // Every shard must draw the same Poisson schedule: the seed is chosen once, here.
  const runArgs = flags.rate !== undefined && flags.arrival === 'poisson' && flags.seed === undefined ? [...args, '--seed', String(freshSeed())] : [...args];
  const { flags: finalFlags } = parseRunArgs(runArgs);
  const plan = validatePlan({ ...planFromFlags(url, finalFlags), shard: { index: 1, count: shards } });
  const { shard: _shard, ...whole } = plan;
  return { runArgs, plan: whole };
}

export function k8sCommand(): Command {
  const k8s = new Command('k8s').description('run shards of one load as pods on Kubernetes');
  k8s.addCommand(
    new Command('render')
      .description('write the manifests (a ConfigMap and an Indexed Job, one pod per shard) for a run; needs no cluster')
      .usage('--shards <n> [options] -- <url> [salvo run options]')
      .argument('<run-args...>', 'after --: the target URL and salvo run options, as for salvo run')
      .requiredOption('--shards <n>', 'how many shards (pods), each running 1/n of the load', (text) => parseCount(text))
      .option('--image <image>', 'container image with salvo on its PATH', 'salvo:0.1.0')
      .option('--name <name>', 'name of the ConfigMap and the Job', checked(DNS_LABEL, 'a DNS label (lower-case letters, digits, -)'), 'salvo')
      .option('--namespace <namespace>', 'namespace of the objects (default: kubectl\'s current)', checked(DNS_LABEL, 'a namespace name'))
      .option('--node-selector <key=value>', 'run only on nodes with this label', parseNodeSelector as (text: string) => unknown, 'dedicatednode=load')
      .option('--no-node-selector', 'run on any node')
      .option('--toleration <key=value:Effect>', 'tolerate this taint of the dedicated nodes', parseToleration as (text: string) => unknown, 'dedicated=load:NoSchedule')
      .option('--no-toleration', 'tolerate no taint')
      .option('--cpu <quantity>', 'CPU of each pod, requested and limit', checked(QUANTITY, 'a Kubernetes quantity (1, 500m)'), '1')
      .option('--memory <quantity>', 'memory of each pod, requested and limit', checked(QUANTITY, 'a Kubernetes quantity (512Mi, 1Gi)'), '1Gi')
      .option('--allow-colocated', 'let two shards share a node (no pod anti-affinity)')
      .option('--results-claim <claim>', 'PersistentVolumeClaim (ReadWriteMany) for the results; default an emptyDir per pod', checked(DNS_LABEL, 'a claim name'))
      .option('--out <dir>', 'write 00-configmap.yaml and 10-job.yaml into this directory instead of stdout')
      .action(async (args: string[], flags: RenderFlags) => {
        const { runArgs, plan } = shardRunArgs(args, flags.shards);
        // Loaded here: the YAML library would add tens of ms to the start of every other command.
        const { manifestsYaml, shardJobManifests } = await import('../../cluster/k8s-manifests.js');
        // Commander hands the default through the parser only when given on the command line.
        const nodeSelector = typeof flags.nodeSelector === 'string' ? parseNodeSelector(flags.nodeSelector) : (flags.nodeSelector as unknown as ShardJobOptions['nodeSelector'] | false);
        const toleration = typeof flags.toleration === 'string' ? parseToleration(flags.toleration) : (flags.toleration as unknown as ShardJobOptions['toleration'] | false);
        const manifests = shardJobManifests({
          name: flags.name,
          ...(flags.namespace ? { namespace: flags.namespace } : {}),
          shards: flags.shards,
          image: flags.image,
          runArgs,
          plan,
          ...(nodeSelector ? { nodeSelector } : {}),
          ...(toleration ? { toleration } : {}),
          cpu: flags.cpu,
          memory: flags.memory,
          allowColocated: flags.allowColocated === true,
          ...(flags.resultsClaim ? { resultsClaim: flags.resultsClaim } : {}),
        });
        if (flags.out === undefined) {
          process.stdout.write(manifestsYaml(manifests));
          return;
        }
        try {
          mkdirSync(flags.out, { recursive: true });
          const files = [join(flags.out, '00-configmap.yaml'), join(flags.out, '10-job.yaml')];
          manifests.forEach((manifest, index) => writeFileSync(files[index]!, manifestsYaml([manifest])));
          for (const file of files) process.stdout.write(`  written: ${file}\n`);
        } catch (error) {
          throw new CliError(`--out: ${(error as Error).message}`);
        }
      }),
  );
  return k8s;
}
