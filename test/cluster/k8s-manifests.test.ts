import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { CONFIG_DIR, manifestsYaml, shardJobManifests, type ShardJobOptions } from '../../src/cluster/k8s-manifests.js';

const options: ShardJobOptions = {
  name: 'salvo',
  namespace: 'load',
  shards: 4,
  image: 'salvo:0.1.0',
  runArgs: ['http://target:8080/', '--rate', '2k', '--header', 'X-Run: one two "three"', '--body', "it's $HOME `x`"],
  plan: { executor: { type: 'constant-arrival-rate' } },
  nodeSelector: { key: 'dedicatednode', value: 'load' },
  toleration: { key: 'dedicated', value: 'load', effect: 'NoSchedule' },
  cpu: '1',
  memory: '1Gi',
  allowColocated: false,
  readyTimeout: '5m',
};

/** Parsed YAML, read by path in the assertions. */
type Json = any;
const rendered = (overrides: Partial<ShardJobOptions> = {}): Json[] =>
  parseAllDocuments(manifestsYaml(shardJobManifests({ ...options, ...overrides }))).map((document) => document.toJS());

/** Runs a pod's shell for completion index `index` with a fake `salvo` that prints its arguments, one a line. */
function podArgs(job: Json, configMap: Json, index: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-pod-'));
  try {
    writeFileSync(join(dir, 'args'), configMap.data.args);
    writeFileSync(join(dir, 'salvo'), '#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done\n');
    chmodSync(join(dir, 'salvo'), 0o755);
    const [shell, flag, script] = job.spec.template.spec.containers[0].command as string[];
    const outcome = spawnSync(shell!, [flag!, script!.replaceAll(CONFIG_DIR, dir)], {
      encoding: 'utf8',
      env: { PATH: `${dir}:${process.env.PATH}`, JOB_COMPLETION_INDEX: String(index) },
    });
    assert.equal(outcome.status, 0, outcome.stderr);
    return outcome.stdout.split('\n').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('k8s manifests', () => {
  test("a ConfigMap, an Indexed Job and the coordinator's Service and Job, all valid Kubernetes objects", () => {
    const [configMap, job, service, coordinator, ...rest] = rendered();
    assert.equal(rest.length, 0);
    new Service(service).validate();
    new Job(coordinator).validate();
    assert.deepEqual([service.metadata.name, coordinator.metadata.name, service.metadata.namespace], ['salvo-coordinator', 'salvo-coordinator', 'load']);
    assert.deepEqual([configMap.apiVersion, configMap.kind, job.apiVersion, job.kind], ['v1', 'ConfigMap', 'batch/v1', 'Job']);
    new ConfigMap(configMap).validate();
    new Job(job).validate();
    assert.equal(job.metadata.namespace, 'load');
    assert.deepEqual([job.spec.completionMode, job.spec.completions, job.spec.parallelism], ['Indexed', 4, 4]);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  });

  test('the pods go to the dedicated load nodes', () => {
    const { spec } = rendered()[1].spec.template;
    assert.deepEqual(spec.nodeSelector, { dedicatednode: 'load' });
    assert.deepEqual(spec.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'load', effect: 'NoSchedule' }]);
    const exists = rendered({ toleration: { key: 'dedicated', effect: 'NoExecute' }, nodeSelector: { key: 'pool', value: 'gen' } })[1].spec.template.spec;
    assert.deepEqual(exists.tolerations, [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }]);
    assert.deepEqual(exists.nodeSelector, { pool: 'gen' });
    const anywhere = rendered({ toleration: undefined, nodeSelector: undefined })[1];
    new Job(anywhere).validate();
    assert.equal(anywhere.spec.template.spec.nodeSelector, undefined);
    assert.equal(anywhere.spec.template.spec.tolerations, undefined);
  });

  test('no two shards share a node unless allowed', () => {
    const job = rendered()[1];
    const [term, ...more] = job.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    assert.equal(more.length, 0);
    assert.equal(term.topologyKey, 'kubernetes.io/hostname');
    // The selector must pick exactly this job's pods.
    for (const [key, value] of Object.entries(term.labelSelector.matchLabels)) assert.equal(job.spec.template.metadata.labels[key], value);
    assert.equal(rendered({ allowColocated: true })[1].spec.template.spec.affinity, undefined);
  });

  test('resources, a non-root context and no capabilities', () => {
    const { spec } = rendered({ cpu: '500m', memory: '512Mi' })[1].spec.template;
    const [container] = spec.containers;
    assert.deepEqual(container.resources, { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    assert.equal(spec.securityContext.runAsNonRoot, true);
    assert.ok(spec.securityContext.runAsUser > 0);
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    assert.equal(rendered({ resultsClaim: 'results' })[1].spec.template.spec.volumes[1].persistentVolumeClaim.claimName, 'results');
  });

  test('the pod of completion index k runs --shard k+1/N with the arguments intact', () => {
    const [configMap, job] = rendered();
    for (let index = 0; index < 4; index++) {
      assert.deepEqual(podArgs(job, configMap, index), [
        'run',
        ...options.runArgs,
        '--shard',
        `${index + 1}/4`,
        '--coordinator',
        'salvo-coordinator:7070',
        '--out',
        `/results/shard-${index + 1}-of-4.json`,
      ]);
    }
  });

  test('the ConfigMap holds the arguments and the plan', () => {
    const [configMap] = rendered();
    assert.equal(configMap.data.args, `${options.runArgs.join('\n')}\n`);
    assert.deepEqual(JSON.parse(configMap.data['plan.json']), options.plan);
  });

  test('the coordinator waits for every shard, reached by its Service, and prints the merged result for k8s run', () => {
    const [, job, service, coordinator] = rendered();
    const { spec } = coordinator.spec.template;
    assert.deepEqual(spec.containers[0].command, [
      'salvo',
      'coordinate',
      '--shards',
      '4',
      '--host',
      '0.0.0.0',
      '--port',
      '7070',
      '--timeout',
      '5m',
      '--out',
      '/results/merged.json',
      '--print-result',
    ]);
    // The Service picks exactly the coordinator's pod, not the shards'.
    for (const [key, value] of Object.entries(service.spec.selector)) assert.equal(spec.containers && coordinator.spec.template.metadata.labels[key], value);
    assert.notEqual(job.spec.template.metadata.labels['app.kubernetes.io/component'], service.spec.selector['app.kubernetes.io/component']);
    assert.deepEqual(service.spec.ports, [{ name: 'coordinator', port: 7070, targetPort: 7070, protocol: 'TCP' }]);
    assert.equal(coordinator.spec.backoffLimit, 0);
    assert.equal(spec.nodeSelector, undefined);
  });

  test('a plan file travels in the ConfigMap', () => {
    const [configMap] = rendered({ planFile: { target: { url: 'http://t/' } }, runArgs: ['/etc/salvo/plan-file.json'] });
    assert.deepEqual(JSON.parse(configMap.data['plan-file.json']), { target: { url: 'http://t/' } });
    assert.equal(rendered()[0].data['plan-file.json'], undefined);
  });
});
