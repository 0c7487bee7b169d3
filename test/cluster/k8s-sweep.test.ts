import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parseAllDocuments } from 'yaml';
import { sweepScript } from '../../src/cluster/k8s-sweep.js';
import { assertUsageError, salvo } from '../support/cli.js';

const STUDY = fileURLToPath(new URL('../../../examples/study/sweep.yaml', import.meta.url));

type Manifest = { kind: string; data?: Record<string, string>; spec?: any };
const parse = (text: string): Manifest[] => parseAllDocuments(text).map((document) => document.toJS() as Manifest);

/** The manifests `salvo k8s render <args>` prints; it must succeed. */
function rendered(...args: string[]): Manifest[] {
  const { status, stdout, stderr } = salvo('k8s', 'render', ...args);
  assert.equal(status, 0, stderr);
  return parse(stdout);
}

describe('salvo k8s render <sweep file>', () => {
  test('a ConfigMap with the sweep, its base plan and .proto, which salvo sweep reads back, and a Job that runs it into an emptyDir and waits to be copied from', () => {
    const { status, stdout, stderr } = salvo('k8s', 'render', STUDY, '--name', 'study', '--namespace', 'load');
    assert.equal(status, 0, stderr);
    assert.match(stderr, /warning: the target grpc:\/\/127\.0\.0\.1:50051 is a loopback address/);
    const manifests = parse(stdout);
    assert.deepEqual(
      manifests.map((manifest) => manifest.kind),
      ['ConfigMap', 'Job'],
    );
    const [configMap, job] = manifests as [Manifest, Manifest];
    new ConfigMap(configMap as never).validate();
    new Job(job as never).validate();
    assert.deepEqual(Object.keys(configMap.data!).sort(), ['plan-file.json', 'proto-worker.proto', 'sweep.json']);
    const sweep = JSON.parse(configMap.data!['sweep.json']!) as { name: string; plan: string };
    assert.equal(sweep.name, 'knative-mini');
    assert.equal(sweep.plan, 'plan-file.json');
    assert.equal((JSON.parse(configMap.data!['plan-file.json']!) as { target: { proto: string } }).target.proto, 'proto-worker.proto');

    // The ConfigMap's contents, as the pod sees them in its config directory, are a sweep salvo runs.
    const dir = mkdtempSync(join(tmpdir(), 'salvo-k8s-sweep-'));
    try {
      for (const [key, value] of Object.entries(configMap.data!)) writeFileSync(join(dir, key), value);
      const dryRun = salvo('sweep', join(dir, 'sweep.json'), '--dry-run', '--out-dir', join(dir, 'out'));
      assert.equal(dryRun.status, 0, dryRun.stderr);
      assert.match(dryRun.stdout, /^ {2}36\. /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const { spec } = job.spec.template;
    assert.equal(job.spec.backoffLimit, 0, 'in an emptyDir, a pod run again would start the study over');
    assert.deepEqual(
      spec.volumes.find((volume: { name: string }) => volume.name === 'results'),
      { name: 'results', emptyDir: {} },
    );
    const script = spec.containers[0].command[2] as string;
    assert.match(script, /^salvo sweep \/etc\/salvo\/sweep\.json --out-dir \/results\/knative-mini &$/m);
    assert.match(script, /^ {2}sleep 3600 & wait \$!$/m, 'the pod waits an hour for kubectl cp by default');
    assert.equal(spec.containers[0].securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(spec.nodeSelector, { dedicatednode: 'load' });
  });

  test('--results-claim keeps the study on a claim, where a pod run again resumes it; --keep sets the wait; --out writes two files', () => {
    const [, claimed] = rendered(STUDY, '--results-claim', 'studies', '--no-node-selector', '--no-toleration');
    const { spec } = claimed!.spec.template;
    assert.deepEqual(
      spec.volumes.find((volume: { name: string }) => volume.name === 'results'),
      { name: 'results', persistentVolumeClaim: { claimName: 'studies' } },
    );
    assert.equal(claimed!.spec.backoffLimit, 3);
    assert.doesNotMatch(spec.containers[0].command[2], /sleep/);
    assert.equal(spec.nodeSelector, undefined);
    assert.equal(spec.tolerations, undefined);

    const [, kept] = rendered(STUDY, '--keep', '10m');
    assert.match(kept!.spec.template.spec.containers[0].command[2], /^ {2}sleep 600 & wait \$!$/m);

    const out = mkdtempSync(join(tmpdir(), 'salvo-k8s-sweep-out-'));
    try {
      const { status, stderr } = salvo('k8s', 'render', STUDY, '--out', out);
      assert.equal(status, 0, stderr);
      assert.deepEqual(readdirSync(out).sort(), ['00-configmap.yaml', '10-job.yaml']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('bad input: one line each, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'salvo-k8s-sweep-bad-'));
    try {
      const badGrid = join(dir, 'bad.yaml');
      writeFileSync(
        badGrid,
        'plan: {target: {url: "http://t/"}, executor: {type: constant-arrival-rate, ratePerSec: 1, durationMs: 1s}}\ngrid: {spin: [1, 2]}\n',
      );
      const importing = join(dir, 'importing.proto');
      writeFileSync(importing, 'syntax = "proto3";\nimport "other.proto";\nservice S { rpc M (other.A) returns (other.B); }\n');
      const shipsImport = join(dir, 'imports.yaml');
      writeFileSync(
        shipsImport,
        `plan: {target: {url: "grpc://t:1", proto: ${JSON.stringify(importing)}, call: S/M}, executor: {type: constant-arrival-rate, ratePerSec: 1, durationMs: 1s}}\ngrid: {rate: [1]}\n`,
      );
      for (const [args, pattern] of [
        [[STUDY, '--shards', '2'], /--shards: a sweep runs its cells one after another in one pod; leave it out/],
        [['--keep', '1m', '--shards', '2', '--', 'http://t/'], /--keep applies to a sweep file/],
        [[STUDY, '--keep', 'soon'], /--keep/],
        [['--', 'http://t/'], /required option '--shards <n>' not specified/],
        [[badGrid], /invalid sweep .*bad\.yaml: grid\.spin: not a plan field/],
      ] as [string[], RegExp][]) {
        assertUsageError(['k8s', 'render', ...args], pattern);
      }
      // A proto that imports another cannot travel alone (the loopback warning aside, the error is one line).
      const { status, stderr } = salvo('k8s', 'render', shipsImport);
      assert.equal(status, 2, stderr);
      assert.match(stderr, /proto file .*importing\.proto imports other\.proto, which the pods would not have/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the sweep pod's script", () => {
  /** Runs the script with a stand-in `salvo` that records how it ended and exits 3 (on SIGTERM, 143). */
  async function runScript(keepS: number, terminate: boolean): Promise<{ code: number | null; stdout: string; ended: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'salvo-sweep-script-'));
    try {
      mkdirSync(join(dir, 'bin'));
      const fake = join(dir, 'bin', 'salvo');
      writeFileSync(
        fake,
        `#!/bin/sh\necho started > ${dir}/ended\ntrap 'echo terminated > ${dir}/ended; exit 143' TERM\nsleep ${terminate ? 30 : 0.1} & wait $!\necho finished > ${dir}/ended\nexit 3\n`,
      );
      chmodSync(fake, 0o755);
      const child = spawn('sh', ['-c', sweepScript('study', keepS)], { env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` } });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      // The stand-in has started (its file says so) before the pod is told to stop.
      while (terminate && !safeRead(join(dir, 'ended')).includes('started')) await new Promise((resolve) => setTimeout(resolve, 20));
      if (terminate) child.kill('SIGTERM');
      const [code] = (await once(child, 'close')) as [number | null];
      return { code, stdout, ended: safeRead(join(dir, 'ended')).trim() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const safeRead = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };

  test("the sweep done, the pod says where the study is, waits --keep and ends with the sweep's status", async () => {
    const outcome = await runScript(1, false);
    assert.equal(outcome.ended, 'finished');
    assert.match(outcome.stdout, /^salvo: the study is in \/results\/study for 1 s: kubectl cp \S+:\/results\/study \.\/logs\/study$/m);
    assert.equal(outcome.code, 3);
  });

  test('SIGTERM reaches the sweep, which ends its own way; the pod then ends with its status at once, without waiting to be copied from', async () => {
    // A keep far longer than the test's timeout: waiting it out would fail the test.
    const outcome = await runScript(3600, true);
    assert.equal(outcome.ended, 'terminated');
    assert.doesNotMatch(outcome.stdout, /kubectl cp/);
    assert.equal(outcome.code, 143);
  });
});
