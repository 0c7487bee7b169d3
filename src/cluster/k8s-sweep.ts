import {
  CONFIG_DIR,
  CONTAINER_SECURITY,
  LOAD_VOLUME_MOUNTS,
  objectMeta,
  placementOf,
  POD_SECURITY,
  RESULTS_DIR,
  type ShardJobOptions,
  volumesOf,
} from './k8s-manifests.js';
import { POD_PLAN_FILE } from './k8s-names.js';

/** The ConfigMap key of the sweep file: its `plan` names POD_PLAN_FILE beside it. */
export const POD_SWEEP_FILE = 'sweep.json';

/** What `salvo k8s render <sweep file>` needs to know; every field is already checked (see the CLI). */
export interface SweepJobOptions
  extends Pick<ShardJobOptions, 'name' | 'namespace' | 'image' | 'nodeSelector' | 'toleration' | 'cpu' | 'memory' | 'resultsClaim'> {
  /** The sweep file's data, its `plan` naming POD_PLAN_FILE. */
  sweep: unknown;
  /** The base plan's data, the files it names made ConfigMap keys. */
  planFile: unknown;
  /** Those files' contents (a bundled scenario, data files, the .proto), by ConfigMap key. */
  files: Record<string, string>;
  /** The study's name: its directory is RESULTS_DIR/<study>. */
  study: string;
  /** How long the pod stays up after the study so its directory can be copied out (an emptyDir goes with the pod); 0 with a claim. */
  keepS: number;
}

/**
 * The pod's shell: the sweep in the background, so that a SIGTERM (the pod deleted) reaches it and
 * it leaves every finished run intact; then, when the results live in an emptyDir and the pod was not
 * told to stop, it waits `keepS` for `kubectl cp`; it ends with the sweep's exit status.
 */
export function sweepScript(study: string, keepS: number): string {
  const dir = `${RESULTS_DIR}/${study}`;
  const lines = [
    `salvo sweep ${CONFIG_DIR}/${POD_SWEEP_FILE} --out-dir ${dir} &`,
    'sweep=$!',
    `trap 'stopping=1; kill -TERM "$sweep" 2>/dev/null' TERM INT`,
    'wait "$sweep"',
    'status=$?',
    // A trapped signal ends the first wait early: the second waits for the sweep to finish its run.
    'if kill -0 "$sweep" 2>/dev/null; then wait "$sweep"; status=$?; fi',
  ];
  if (keepS > 0) {
    // Told to stop, the pod stops; otherwise it waits (and a SIGTERM ends the wait).
    lines.push(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's parameter expansion, not a template
      'if [ -z "${stopping:-}" ]; then',
      `  echo "salvo: the study is in ${dir} for ${keepS} s: kubectl cp $(hostname):${dir} ./logs/${study}"`,
      `  trap 'exit "$status"' TERM INT`,
      `  sleep ${keepS} & wait $!`,
      'fi',
    );
  }
  lines.push('exit "$status"');
  return lines.join('\n');
}

/**
 * A ConfigMap with the sweep file, its base plan and the files the plan names, and a Job of one pod
 * that runs the study into the results volume: a claim keeps the study directory, and a pod run again
 * resumes the study there (finished runs are skipped); an emptyDir keeps it while the pod waits.
 */
export function sweepJobManifests(options: SweepJobOptions): Record<string, unknown>[] {
  const { labels, metadata } = objectMeta(options.name, options, 'sweep');
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    data: {
      [POD_SWEEP_FILE]: `${JSON.stringify(options.sweep, null, 2)}\n`,
      [POD_PLAN_FILE]: `${JSON.stringify(options.planFile, null, 2)}\n`,
      ...options.files,
    },
  };
  const resources = { cpu: options.cpu, memory: options.memory };
  const keepS = options.resultsClaim ? 0 : options.keepS;
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completions: 1,
      parallelism: 1,
      // On a claim a pod run again picks the study up where it stopped; in an emptyDir it would start it over.
      backoffLimit: options.resultsClaim ? 3 : 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...placementOf(options),
          securityContext: POD_SECURITY,
          containers: [
            {
              name: 'salvo',
              image: options.image,
              command: ['sh', '-c', sweepScript(options.study, keepS)],
              // Requests equal to limits: the Guaranteed class, so the generator's CPU is not taken away mid-study.
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
  return [configMap, job];
}
