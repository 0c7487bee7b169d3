// `salvo k8s render` of a plan with a TypeScript scenario: the scenario (bundled) and its data files
// travel in the ConfigMap, and the ConfigMap's contents alone run as a pod runs them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CONFIG_DIR } from '../../src/cluster/k8s-names.js';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo, salvoIn } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'salvo-k8s-ship-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const parse = (text: string) => parseAllDocuments(text).map((document) => document.toJS());

/** A scenario that imports a helper of its own and reads a data file named relative to itself. */
function writeScenario(folder: string, target: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'accounts.csv'), 'id,name\n1,ada\n2,grace\n');
  writeFileSync(join(folder, 'paths.ts'), 'export const pathOf = (id: unknown): string => `/echo?account=${String(id)}`;\n');
  const file = join(folder, 'shop.ts');
  writeFileSync(
    file,
    `import { defineScenario } from 'salvo';
import { pathOf } from './paths.js';
export default defineScenario({
  plan: { target: { url: '${target}' }, executor: { type: 'constant-vus', vus: 2, durationMs: '1s' }, data: { accounts: { file: 'accounts.csv', mode: 'split' } } },
  userTypes: { Buyer: { minWaitMs: 50, maxWaitMs: 50, tasks: { order: (ctx) => ctx.http.get(pathOf(ctx.row('accounts').id), { name: 'order' }) } } },
});
`,
  );
  return file;
}

describe('salvo k8s render with a TypeScript scenario', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess('http');
  });
  after(() => target.stop());

  test('the ConfigMap holds the bundled scenario and its data; its contents alone run as a pod runs them', async () => {
    const source = join(dir, 'source');
    const scenario = writeScenario(source, `${target.url}/`);
    const rendered = salvo('k8s', 'render', scenario, '--shards', '1');
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.match(rendered.stderr, /warning: the target http:\/\/127\.0\.0\.1:\d+\/ is a loopback address: from a pod it is the pod itself/);
    const [configMap] = parse(rendered.stdout);
    const data = configMap.data as Record<string, string>;
    assert.deepEqual(Object.keys(data).sort(), ['args', 'data-accounts.csv', 'plan-file.json', 'plan.json', 'scenario.mjs', 'shards']);
    const planFile = JSON.parse(data['plan-file.json']!);
    assert.equal(planFile.scenario, 'scenario.mjs');
    assert.deepEqual(planFile.data, { accounts: { file: 'data-accounts.csv', mode: 'split' } });
    assert.doesNotMatch(data['scenario.mjs']!, new RegExp(source.replaceAll('/', '\\/')), "no path of the author's machine");
    assert.match(data['scenario.mjs']!, /from "salvo"/);

    // The author's files are gone; the pod has only its config directory.
    rmSync(source, { recursive: true, force: true });
    const config = join(dir, 'config');
    mkdirSync(config);
    for (const [key, value] of Object.entries(data)) writeFileSync(join(config, key), value);
    const args = data
      .args!.trimEnd()
      .split('\n')
      .map((arg) => arg.replace(CONFIG_DIR, config));
    const out = join(dir, 'pod.json');
    const ran = salvoIn(tmpdir(), 'run', ...args, '--shard', '1/1', '--out', out);
    assert.equal(ran.status, 0, ran.stderr);
    const result = await readResult(out);
    assert.ok(result.summary.requests.completed > 0);
    assert.equal(result.summary.requests.failed, 0);
    assert.ok(result.breakdown!.tasks.find((task) => task.name === 'order')!.requests > 0);
  });

  test('a plan file naming a scenario ships it too; one over 1 MiB is refused in one line', () => {
    const folder = join(dir, 'planned');
    writeScenario(folder, 'http://shop.load:8080/');
    writeFileSync(
      join(folder, 'plan.yaml'),
      'scenario: shop.ts\ntarget: { url: "http://shop.load:8080/" }\nexecutor: { type: constant-vus, vus: 2, durationMs: 1s }\ndata: { accounts: { file: accounts.csv } }\n',
    );
    const rendered = salvo('k8s', 'render', join(folder, 'plan.yaml'), '--shards', '2');
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.equal(rendered.stderr, '', 'no loopback warning for a cluster address');
    const [configMap] = parse(rendered.stdout);
    assert.equal(JSON.parse(configMap.data['plan-file.json']).scenario, 'scenario.mjs');
    assert.match(configMap.data['data-accounts.csv'], /^id,name\n/);

    writeFileSync(join(folder, 'accounts.csv'), `id,name\n${'1,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'.repeat(30_000)}`);
    assertUsageError(
      ['k8s', 'render', join(folder, 'plan.yaml'), '--shards', '2'],
      /^salvo: error: the ConfigMap would hold \d+ KiB, over Kubernetes' 1 MiB for one ConfigMap \(data-accounts\.csv \d+ KiB, /,
    );
    assertUsageError(
      ['k8s', 'render', '--shards', '2', '--', 'http://shop.load/', '--scenario', join(folder, 'shop.ts'), '--vus', '2'],
      /--scenario .*shop\.ts names a file the pods do not have/,
    );
  });
});
