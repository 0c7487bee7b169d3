import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { RESULT_LINE_PREFIX } from '../../src/cluster/coordinator.js';
import { shardJobManifests } from '../../src/cluster/k8s-manifests.js';
import { K8sRunError, runOnKubernetes, type CommandOutcome, type CommandRunner } from '../../src/cluster/k8s-run.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

const manifests = shardJobManifests({
  name: 'load1',
  namespace: 'load',
  shards: 2,
  image: 'salvo:0.1.0',
  runArgs: ['http://t/', '-r', '10'],
  plan: {},
  cpu: '1',
  memory: '1Gi',
  allowColocated: false,
  readyTimeout: '5m',
});

const ok = (stdout = ''): CommandOutcome => ({ status: 0, stdout, stderr: '' });

/** kubectl answering from a script: each call's arguments go to `calls`, its answer comes from `answer`. */
function fakeKubectl(
  answer: (args: readonly string[]) => CommandOutcome,
  logLines: string[] = [],
): { kubectl: CommandRunner; calls: { args: readonly string[]; input?: string }[] } {
  const calls: { args: readonly string[]; input?: string }[] = [];
  return {
    calls,
    kubectl: {
      run: async (args, input) => {
        calls.push({ args, ...(input !== undefined ? { input } : {}) });
        return answer(args);
      },
      follow: async (args, onLine) => {
        calls.push({ args });
        for (const line of logLines) onLine(line);
        return answer(args);
      },
    },
  };
}

const run = (kubectl: CommandRunner, lines: string[] = []) =>
  runOnKubernetes(manifests, { name: 'load1', namespace: 'load', kubectl, podStartTimeoutS: 300, onLine: (line) => lines.push(line) });

describe('salvo k8s run, with kubectl scripted', () => {
  test('applies the manifests, follows the coordinator and returns the merged result it prints', async () => {
    const merged = syntheticRunResult({ seconds: [{ latenciesUs: [1000, 2000] }] });
    const { kubectl, calls } = fakeKubectl(
      (args) => (args[2] === 'apply' ? ok('configmap/load1 created\njob.batch/load1 created\n') : ok('kind-load\n')),
      ['salvo coordinator listening on http://0.0.0.0:7070, waiting for 2 shards', '  shard 1/2 ready', `${RESULT_LINE_PREFIX}${JSON.stringify(merged)}`],
    );
    const lines: string[] = [];
    assert.deepEqual(await run(kubectl, lines), merged);
    assert.deepEqual(
      calls.map((call) => call.args.join(' ')),
      [
        'config current-context',
        '--namespace load apply --request-timeout=30s -f -',
        '--namespace load logs -f job/load1-coordinator --pod-running-timeout=300s',
      ],
    );
    assert.deepEqual(
      parseAllDocuments(calls[1]!.input!).map((document) => document.toJS().kind),
      ['ConfigMap', 'Job', 'Service', 'Job'],
    );
    assert.deepEqual(lines, [
      'configmap/load1 created',
      'job.batch/load1 created',
      'salvo coordinator listening on http://0.0.0.0:7070, waiting for 2 shards',
      '  shard 1/2 ready',
    ]);
  });

  const failures: [string, (args: readonly string[]) => CommandOutcome, RegExp][] = [
    [
      'kubectl is missing',
      () => ({ status: null, stdout: '', stderr: 'spawn kubectl ENOENT', missing: true }),
      /^kubectl is not installed \(not found on PATH\)$/,
    ],
    [
      'no cluster is configured',
      () => ({ status: 1, stdout: '', stderr: 'error: current-context is not set\n' }),
      /^kubectl has no cluster configured \(no current context\): error: current-context is not set$/,
    ],
    [
      'apply fails',
      (args) => (args[2] === 'apply' ? { status: 1, stdout: '', stderr: 'Error from server (Forbidden): jobs.batch is forbidden\n' } : ok()),
      /^kubectl apply failed: Error from server \(Forbidden\): jobs\.batch is forbidden$/,
    ],
    [
      'the coordinator ends without a result',
      (args) => (args[2] === 'logs' ? { status: 1, stdout: '', stderr: 'error: timed out waiting for the condition\n' } : ok()),
      /^the coordinator ended without a merged result \(error: timed out waiting for the condition\): see kubectl --namespace load logs job\/load1-coordinator$/,
    ],
  ];
  for (const [name, answer, pattern] of failures) {
    test(`${name}: one line`, async () => {
      await assert.rejects(run(fakeKubectl(answer).kubectl), (error: Error) => error instanceof K8sRunError && pattern.test(error.message));
    });
  }
});
