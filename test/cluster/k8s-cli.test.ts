import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parseAllDocuments } from 'yaml';
import { assertUsageError, salvo } from '../support/cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

const parse = (text: string) => parseAllDocuments(text).map((document) => document.toJS());

describe('salvo k8s render', () => {
  test('writes a valid ConfigMap and Indexed Job to stdout, offline', () => {
    const { status, stdout, stderr } = salvo(
      'k8s',
      'render',
      '--shards',
      '8',
      '--namespace',
      'load',
      '--cpu',
      '2',
      '--',
      'http://target.load:8080/',
      '--rate',
      '8k',
      '-d',
      '1m',
      '-c',
      '400',
    );
    assert.equal(status, 0, stderr);
    const [configMap, job] = parse(stdout);
    new ConfigMap(configMap).validate();
    new Job(job).validate();
    assert.deepEqual([job.spec.completions, job.spec.parallelism], [8, 8]);
    assert.deepEqual(job.spec.template.spec.nodeSelector, { dedicatednode: 'load' });
    assert.deepEqual(job.spec.template.spec.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'load', effect: 'NoSchedule' }]);
    assert.ok(job.spec.template.spec.affinity.podAntiAffinity);
    assert.match(job.spec.template.spec.containers[0].command[2], /--shard "\$shard\/8"/);
    const plan = JSON.parse(configMap.data['plan.json']);
    assert.deepEqual([plan.executor.ratePerSec, plan.connections, plan.shard], [8000, 400, undefined]);
  });

  test('options change placement and --out writes one file per object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'salvo-k8s-'));
    try {
      const out = join(dir, 'manifests');
      const { status, stderr } = salvo(
        'k8s',
        'render',
        '--shards',
        '2',
        '--node-selector',
        'pool=gen',
        '--toleration',
        'gen:NoExecute',
        '--allow-colocated',
        '--image',
        'registry/salvo:1',
        '--out',
        out,
        '--',
        'http://t/',
        '-r',
        '10',
      );
      assert.equal(status, 0, stderr);
      assert.ok(existsSync(join(out, '00-configmap.yaml')));
      assert.deepEqual(
        parse(readFileSync(join(out, '20-coordinator.yaml'), 'utf8')).map((manifest) => manifest.kind),
        ['Service', 'Job'],
      );
      const [job] = parse(readFileSync(join(out, '10-job.yaml'), 'utf8'));
      assert.equal(job.kind, 'Job');
      assert.deepEqual(job.spec.template.spec.nodeSelector, { pool: 'gen' });
      assert.deepEqual(job.spec.template.spec.tolerations, [{ key: 'gen', operator: 'Exists', effect: 'NoExecute' }]);
      assert.equal(job.spec.template.spec.affinity, undefined);
      assert.equal(job.spec.template.spec.containers[0].image, 'registry/salvo:1');
      const none = parse(salvo('k8s', 'render', '--shards', '2', '--no-node-selector', '--no-toleration', '--', 'http://t/').stdout)[1];
      assert.equal(none.spec.template.spec.nodeSelector, undefined);
      assert.equal(none.spec.template.spec.tolerations, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a Poisson run gets one seed for every shard', () => {
    const [configMap] = parse(salvo('k8s', 'render', '--shards', '3', '--', 'http://t/', '-r', '100', '-a', 'poisson').stdout);
    assert.match(configMap.data.args, /\n--seed\n\d+\n$/);
  });

  test('a plan file travels to the pods in the ConfigMap, flags and all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'salvo-k8s-plan-'));
    try {
      const plan = join(dir, 'plan.yaml');
      writeFileSync(
        plan,
        'target: { url: http://target:8080/ }\nexecutor: { type: constant-arrival-rate, ratePerSec: 2k, durationMs: 1m }\nconnections: 40\nrun: { workers: 2 }\n',
      );
      const { status, stdout, stderr } = salvo('k8s', 'render', plan, '--shards', '4', '--', '--rate', '4k');
      assert.equal(status, 0, stderr);
      const [configMap, job] = parse(stdout);
      assert.equal(configMap.data.args, '/etc/salvo/plan-file.json\n--rate\n4k\n');
      assert.deepEqual(JSON.parse(configMap.data['plan-file.json']).run, { workers: 2 });
      assert.equal(JSON.parse(configMap.data['plan.json']).executor.ratePerSec, 4000);
      assert.match(job.spec.template.spec.containers[0].command[2], /--coordinator "salvo-coordinator:7070"/);
      const poisson = parse(salvo('k8s', 'render', plan, '--shards', '2', '--', '--rate', '100', '--arrival', 'poisson').stdout)[0];
      const seed = Number(/\n--seed\n(\d+)\n$/.exec(poisson.data.args)![1]);
      assert.equal(JSON.parse(poisson.data['plan.json']).executor.seed, seed, 'the plan on record draws the schedule the pods draw');
      writeFileSync(
        plan,
        'target: { url: http://target:8080/ }\nexecutor: { type: constant-arrival-rate, ratePerSec: 10, durationMs: 1s }\nrun: { out: r.json }\n',
      );
      assertUsageError(['k8s', 'render', plan, '--shards', '2'], /run arguments: leave out run\.out \(or --out\), the coordinator writes the merged result/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refused: [string[], RegExp][] = [
    [['--shards', '4', '--', 'http://t/', '--start-at', '2099-01-01T00:00:00Z'], /leave out --start-at, the coordinator starts the shards together/],
    [['--shards', '4', '--', 'http://t/', '--coordinator', 'c:1'], /leave out --coordinator/],
    [['--shards', '0', '--', 'http://t/'], /--shards/],
    [['--', 'http://t/'], /--shards/],
    [['--shards', '4', '--toleration', 'dedicated=load', '--', 'http://t/'], /not a taint/],
    [['--shards', '4', '--node-selector', 'nolabel', '--', 'http://t/'], /not a node label/],
    [['--shards', '4', '--cpu', 'lots', '--', 'http://t/'], /quantity/],
    [['--shards', '4', '--name', 'Bad_Name', '--', 'http://t/'], /DNS label/],
    [['--shards', '4', '--', 'http://t/', '--shard', '1/4'], /leave out --shard/],
    [['--shards', '4', '--', 'http://t/', '--out', 'x.json'], /leave out --out, the coordinator writes the merged result/],
    [['--shards', '4', '--', 'http://t/', '--rate', 'fast'], /run arguments: .*--rate/],
    [['--shards', '4', '--', 'ftp://t/'], /invalid plan: .*scheme/],
    [['--shards', '60', '--', 'http://t/', '-c', '50'], /60 shards need at least 60 connections/],
  ];
  for (const [args, pattern] of refused) {
    test(`refuses ${args.join(' ')}`, () => assertUsageError(['k8s', 'render', ...args], pattern));
  }

  test('kubectl accepts the manifests (client dry run), when a cluster answers', (t) => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (kubectl.error || kubectl.status !== 0) return t.skip('kubectl is not installed');
    // A client dry run still asks a server which kinds exist. Without a kubeconfig kubectl falls back to
    // localhost:8080, where anything (a salvo target, say) may answer, so only a configured cluster counts.
    const context = spawnSync('kubectl', ['config', 'current-context'], { encoding: 'utf8' });
    if (context.status !== 0) return t.skip('kubectl has no cluster configured (no current context); the schema check above stands');
    const { stdout } = salvo('k8s', 'render', '--shards', '3', '--', 'http://t/', '-r', '30');
    const applied = spawnSync('kubectl', ['apply', '--dry-run=client', '--request-timeout=5s', '-f', '-'], {
      input: stdout,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (applied.status !== 0 && /connection refused|unable to recognize|no such host|dial tcp|timeout|couldn't get current server/i.test(applied.stderr)) {
      return t.skip(`kubectl found no cluster to ask: ${applied.stderr.trim().split('\n').at(-1)}`);
    }
    assert.equal(applied.status, 0, applied.stderr);
    assert.match(applied.stdout, /configmap\/salvo created \(dry run\)/);
    assert.match(applied.stdout, /job.batch\/salvo created \(dry run\)/);
  });

  test('k8s run without a cluster fails in one line, before applying anything', (t) => {
    const kubectl = spawnSync('kubectl', ['config', 'current-context'], { encoding: 'utf8' });
    if (kubectl.error) return t.skip('kubectl is not installed');
    if (kubectl.status === 0) return t.skip('kubectl has a cluster configured here');
    assertUsageError(
      ['k8s', 'run', '--shards', '2', '--', 'http://t/', '-r', '10'],
      /^salvo: error: kubectl has no cluster configured \(no current context\): .+$/,
    );
  });

  test('k8s run without kubectl says so in one line', () => {
    const { status, stderr } = spawnSync(process.execPath, [MAIN, 'k8s', 'run', '--shards', '2', '--', 'http://t/', '-r', '10'], {
      encoding: 'utf8',
      env: { PATH: '/nonexistent' },
    });
    assert.equal(status, 2);
    assert.equal(stderr, 'salvo: error: kubectl is not installed (not found on PATH)\n');
  });
});
