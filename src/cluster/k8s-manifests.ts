import { stringify } from 'yaml';
import { CONFIG_DIR, COORDINATOR_PORT, coordinatorName, POD_PLAN_FILE, RESULTS_DIR } from './k8s-names.js';

/** What `salvo k8s render` needs to know; every field is already checked (see the CLI). */
export interface ShardJobOptions {
  /** Names the ConfigMap and the Job and labels their pods (a DNS label). */
  name: string;
  namespace?: string;
  shards: number;
  image: string;
  /** `salvo run` arguments, without --shard and --out, which each pod adds. */
  runArgs: string[];
  /** The validated plan, for the record: what the shards run together. */
  plan: unknown;
  /** A plan file's data, when the run was given one: the pods' arguments name it in the config directory. */
  planFile?: unknown;
  /** Files the plan file names (a bundled scenario, data files), by ConfigMap key: beside it in the config directory. */
  files?: Record<string, string>;
  nodeSelector?: { key: string; value: string };
  toleration?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' };
  cpu: string;
  memory: string;
  allowColocated: boolean;
  /** A claim to write results to; without it an emptyDir (kept only while the pod is). */
  resultsClaim?: string;
  /** How long the coordinator waits for every shard pod to be ready (scheduling and image pulls included), as `salvo coordinate --timeout` reads it. */
  readyTimeout: string;
}

export { CONFIG_DIR, RESULTS_DIR } from './k8s-names.js';
/** The uid of the `node` user of the official Node images; runAsNonRoot needs a numeric one. */
export const RUN_AS_USER = 1000;

/**
 * The shell each pod runs: the shard is JOB_COMPLETION_INDEX + 1, since Kubernetes counts completions
 * from 0 and `--shard` from 1. The arguments come one a line from the ConfigMap, so none passes
 * through the shell's word splitting.
 */
export function shardScript(name: string, shards: number): string {
  return [
    'set -eu',
    'shard=$((JOB_COMPLETION_INDEX + 1))',
    'set --',
    `while IFS= read -r arg || [ -n "$arg" ]; do set -- "$@" "$arg"; done < ${CONFIG_DIR}/args`,
    `exec salvo run "$@" --shard "$shard/${shards}" --coordinator "${coordinatorName(name)}:${COORDINATOR_PORT}" --out "${RESULTS_DIR}/shard-$shard-of-${shards}.json"`,
  ].join('\n');
}

/**
 * A ConfigMap with the run's arguments and plan; an Indexed Job with one pod per shard; and the
 * coordinator that starts them together and merges their results: a Job of one pod and its Service.
 */
export function shardJobManifests(options: ShardJobOptions): Record<string, unknown>[] {
  const { labels, metadata } = objectMeta(options.name, options, 'shard');
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    data: {
      args: `${options.runArgs.join('\n')}\n`,
      'plan.json': `${JSON.stringify(options.plan, null, 2)}\n`,
      ...(options.planFile !== undefined ? { [POD_PLAN_FILE]: `${JSON.stringify(options.planFile, null, 2)}\n` } : {}),
      ...options.files,
      shards: String(options.shards),
    },
  };
  const resources = { cpu: options.cpu, memory: options.memory };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completionMode: 'Indexed',
      completions: options.shards,
      parallelism: options.shards,
      // A shard run again would send its share again, later and apart from the others: fail instead.
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...placementOf(options),
          // Two shards on one node share its CPU and network, and the node, not the target, sets the pace.
          ...(options.allowColocated
            ? {}
            : {
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      {
                        labelSelector: { matchLabels: { 'app.kubernetes.io/instance': options.name, 'app.kubernetes.io/component': 'shard' } },
                        topologyKey: 'kubernetes.io/hostname',
                      },
                    ],
                  },
                },
              }),
          securityContext: POD_SECURITY,
          containers: [
            {
              name: 'salvo',
              image: options.image,
              command: ['sh', '-c', shardScript(options.name, options.shards)],
              // Requests equal to limits: the Guaranteed class, so a shard's CPU is not taken away mid-run.
              resources: { requests: resources, limits: resources },
              securityContext: CONTAINER_SECURITY,
              volumeMounts: LOAD_VOLUME_MOUNTS,
            },
          ],
          volumes: volumesOf(options),
        },
      },
    },
  };
  return [configMap, job, ...coordinatorManifests(options)];
}

/** The labels of one part (`component`) of the salvo objects named `instance`, and the metadata of the one named `name`. */
export function objectMeta(name: string, { name: instance, namespace }: Pick<ShardJobOptions, 'name' | 'namespace'>, component: string) {
  const labels = { 'app.kubernetes.io/name': 'salvo', 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': component };
  return { labels, metadata: { name, ...(namespace ? { namespace } : {}), labels } };
}

/** A load pod's place: the nodes it may run on (a label), and the taint of theirs it tolerates. */
export function placementOf({ nodeSelector, toleration }: Pick<ShardJobOptions, 'nodeSelector' | 'toleration'>): Record<string, unknown> {
  return {
    ...(nodeSelector ? { nodeSelector: { [nodeSelector.key]: nodeSelector.value } } : {}),
    ...(toleration
      ? {
          tolerations: [
            toleration.value === undefined
              ? { key: toleration.key, operator: 'Exists', effect: toleration.effect }
              : { key: toleration.key, operator: 'Equal', value: toleration.value, effect: toleration.effect },
          ],
        }
      : {}),
  };
}

export const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  fsGroup: RUN_AS_USER,
  seccompProfile: { type: 'RuntimeDefault' },
};
export const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };

export const LOAD_VOLUME_MOUNTS = [
  { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
  { name: 'results', mountPath: RESULTS_DIR },
  { name: 'tmp', mountPath: '/tmp' },
];

/** A load pod's volumes: the ConfigMap, the results (a claim or an emptyDir) and a writable /tmp (the root filesystem is read-only). */
export const volumesOf = (options: Pick<ShardJobOptions, 'name' | 'resultsClaim'>): Record<string, unknown>[] => [
  { name: 'config', configMap: { name: options.name } },
  options.resultsClaim ? { name: 'results', persistentVolumeClaim: { claimName: options.resultsClaim } } : { name: 'results', emptyDir: {} },
  { name: 'tmp', emptyDir: {} },
];

/**
 * The coordinator: a Service the shards reach it by, and a Job of one pod that waits for every shard,
 * starts them together, merges their results into the results volume and prints the merged result
 * on its log for `salvo k8s run`. It merges rather than loads, so it needs no load node.
 */
function coordinatorManifests(options: ShardJobOptions): Record<string, unknown>[] {
  const name = coordinatorName(options.name);
  const { labels, metadata } = objectMeta(name, options, 'coordinator');
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { selector: labels, ports: [{ name: 'coordinator', port: COORDINATOR_PORT, targetPort: COORDINATOR_PORT, protocol: 'TCP' }] },
  };
  // It holds every shard's result at once, so it gets a shard's memory; its CPU is for JSON and merging.
  const resources = { cpu: '500m', memory: options.memory };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: POD_SECURITY,
          containers: [
            {
              name: 'coordinator',
              image: options.image,
              command: [
                'salvo',
                'coordinate',
                '--shards',
                String(options.shards),
                '--host',
                '0.0.0.0',
                '--port',
                String(COORDINATOR_PORT),
                '--timeout',
                options.readyTimeout,
                '--out',
                `${RESULTS_DIR}/merged.json`,
                '--print-result',
              ],
              ports: [{ name: 'coordinator', containerPort: COORDINATOR_PORT }],
              resources: { requests: resources, limits: resources },
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [
                { name: 'results', mountPath: RESULTS_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: volumesOf(options).filter((volume) => volume.name !== 'config'),
        },
      },
    },
  };
  return [service, job];
}

/** Kubernetes YAML, one document per object. */
export function manifestsYaml(manifests: readonly unknown[]): string {
  return manifests.map((manifest) => stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
