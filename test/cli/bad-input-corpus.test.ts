import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SalvoError } from '../../src/errors.js';
import { planJsonSchema } from '../../src/plan/json-schema.js';
import { loadPlanFile } from '../../src/plan/load.js';
import { planSchema } from '../../src/plan/schema.js';
import { salvoAsync } from '../support/cli.js';

/**
 * The bad-input corpus: plan files made bad one field at a time, from valid plans of every section and
 * from the published schema, and every flag of every command given bad values. Each must end in exit
 * 2 with one line on stderr: no stack trace, no "internal error".
 */
const URL_CLOSED = 'http://127.0.0.1:9/';
const browser = {
  name: 'Browser',
  tasks: [{ name: 'home', request: { url: '/', method: 'GET', headers: [['accept', 'text/plain']] }, weight: 1 }],
  minWaitMs: 10,
  maxWaitMs: 20,
};
const VALID_PLANS: Record<string, unknown>[] = [
  {
    version: 1,
    target: { url: URL_CLOSED, method: 'POST', headers: [['x-a', 'b']], body: 'hello' },
    executor: { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 1000 },
    connections: 10,
    timeoutMs: 500,
    gracefulStopMs: 100,
    maxQueue: 100,
    thresholds: [{ expression: 'p99<250ms', abortOnFail: false }],
    shard: { index: 1, count: 2 },
    run: { out: 'r.json', workers: 1, jit: 'auto', ndjsonSample: 0.5, metrics: '127.0.0.1:9464', metricsLingerMs: 1000, dashboard: '127.0.0.1:0' },
  },
  { target: { url: URL_CLOSED }, executor: { type: 'poisson-arrival-rate', ratePerSec: 50, durationMs: '2s', seed: 7 } },
  { target: { url: URL_CLOSED }, executor: { type: 'bucket-rate', ratePerSec: 50, durationMs: 1000, bucketMs: 100 } },
  { target: { url: URL_CLOSED }, executor: { type: 'ramping-arrival-rate', startRatePerSec: 0, stages: [{ targetRatePerSec: 100, durationMs: 1000 }] } },
  { target: { url: URL_CLOSED }, executor: { type: 'max-throughput', durationMs: 1000, pipelining: 2 } },
  {
    target: { url: 'tcp://127.0.0.1:9', payload: 'PING\\n', expectDelimiter: '\\n' },
    executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: 1000 },
  },
  {
    target: { url: 'tcp://127.0.0.1:9', payloadFile: 'payload.bin', expectBytes: 4 },
    executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: 1000 },
  },
  {
    target: { url: URL_CLOSED, weight: 1, urls: [{ url: 'http://127.0.0.1:10/', weight: 3 }] },
    executor: { type: 'max-throughput', durationMs: 1000 },
    seed: 3,
  },
  { target: { url: URL_CLOSED }, executor: { type: 'constant-vus', vus: 2, durationMs: 1000 }, userTypes: [browser], seed: 3 },
  { target: { url: URL_CLOSED }, executor: { type: 'ramping-vus', stages: [{ targetVus: 2, durationMs: 1000 }] }, userTypes: [browser] },
  { target: { url: URL_CLOSED }, executor: { type: 'phases', phases: [{ durationMs: 1000, users: 2, spawnRate: 1 }] }, userTypes: [browser] },
];

type Json = unknown;
const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Values of the wrong kind, or out of any range, for a field holding `value`. */
function badValuesFor(value: Json): Json[] {
  if (typeof value === 'number') return ['many', -1, 1.5e308, null, true];
  if (typeof value === 'string') return [42, null, ['x'], ''];
  if (typeof value === 'boolean') return ['yes', 0];
  if (Array.isArray(value)) return ['x', {}, [null]];
  return ['x', [], null, 7];
}

/** Every plan made by spoiling one field (or adding an unknown one) of `plan`. */
function spoiled(plan: Json, path: (string | number)[] = []): { path: string; plan: Json }[] {
  const label = (extra: string | number) => [...path, extra].join('.');
  const replaced = (key: string | number, value: Json): Json => {
    if (Array.isArray(plan)) return plan.map((item, index) => (index === key ? value : item));
    return { ...(plan as Record<string, Json>), [key]: value };
  };
  const cases: { path: string; plan: Json }[] = [];
  const entries: [string | number, Json][] = Array.isArray(plan) ? plan.map((item, index) => [index, item]) : Object.entries(plan as Record<string, Json>);
  if (isObject(plan)) cases.push({ path: label('unknownField'), plan: { ...plan, unknownField: 1 } });
  for (const [key, value] of entries) {
    for (const bad of badValuesFor(value)) cases.push({ path: `${label(key)}=${JSON.stringify(bad)}`, plan: replaced(key, bad) });
    if (isObject(value) || Array.isArray(value)) {
      for (const inner of spoiled(value, [...path, key])) cases.push({ path: inner.path, plan: replaced(key, inner.plan) });
    }
  }
  return cases;
}

/** Each top-level section the published schema lists, given a value of no type it takes. */
function fromSchema(): { path: string; plan: Json }[] {
  const properties = (planJsonSchema().properties ?? {}) as Record<string, { type?: string }>;
  return Object.keys(properties).flatMap((key) => [
    { path: `${key}=[[]]`, plan: { ...VALID_PLANS[0], [key]: [[]] } },
    { path: `${key}=-1`, plan: { ...VALID_PLANS[0], [key]: -1 } },
  ]);
}

function planCorpus(): { path: string; plan: Json }[] {
  const all = [...VALID_PLANS.flatMap((plan) => spoiled(plan)), ...fromSchema()];
  // A spoiled field the schema still accepts (a string where any text goes) is no bad input.
  return all.filter(({ plan }) => !planSchema.safeParse(plan).success);
}

const FILE = '/nonexistent-dir/x';
/** Flags of every command with bad values; {url} and {dir} are filled in. */
const FLAG_CASES: string[][] = [
  ...[
    '--rate',
    '-d',
    '--bucket',
    '--seed',
    '--vus',
    '-c',
    '-p',
    '-t',
    '--grace',
    '--max-queue',
    '--streams',
    '--expect-bytes',
    '--deadline',
    '--ndjson-sample',
    '--progress',
    '--workers',
    '--metrics-linger',
  ].flatMap((flag) => ['abc', '-1', '0x', '1e999', 'NaN', ' '].map((value) => ['run', '{url}', flag, value])),
  ...['--arrival', '--jit'].flatMap((flag) => ['zigzag', '', 'CONSTANT'].map((value) => ['run', '{url}', flag, value])),
  ...['--shard', '--start-at', '--coordinator', '--threshold', '--metrics'].flatMap((flag) =>
    ['abc', '0/0', '3/2', '2020-01-01T00:00:00Z', 'p99<<3', 'host:99999', ''].map((value) => ['run', '{url}', flag, value]),
  ),
  ...['-H', '--metadata'].flatMap((flag) => ['no colon', ': v'].map((value) => ['run', '{url}', flag, value])),
  ...['--out', '--html', '--csv', '--hlog', '--ndjson'].flatMap((flag) => [FILE, '{dir}'].map((value) => ['run', '{url}', flag, value])),
  ...['not a url', 'ftp://127.0.0.1/', 'http://', 'grpc://127.0.0.1:9', 'tcp://127.0.0.1:9', 'plan.yaml'].map((url) => ['run', url]),
  ...['abc', 'host:99999', '1.2.3.4', '[::1]', ''].map((value) => ['run', '{url}', '--dashboard', value]),
  ['run', '{url}', '--dashboard', '0.0.0.0:0'],
  ...['abc', 'ftp://127.0.0.1:9091', 'http://127.0.0.1:9091/?a=1', ''].map((value) => ['run', '{url}', '--metrics-push', value]),
  ['run', '{url}', '--dashboard-token', 'long-enough-token'],
  ['run', '{url}', '--dashboard', '127.0.0.1:0', '--dashboard-token', 'short'],
  ['run', '{url}', '--body-file', FILE],
  ['run', '{url}', '--ca', FILE],
  ['run', 'tcp://127.0.0.1:9', '--payload-file', FILE, '--expect-bytes', '4'],
  ['run', 'tcp://127.0.0.1:9', '--payload-file', FILE, '--payload', 'PING', '--expect-bytes', '4'],
  ['run', '{url}', '--payload-file', FILE],
  ['run', '{url}', '--seed', '5'],
  ...['abc', '0', '1,-1', '1,,3', '', '1e999'].map((weights) => ['run', '{url}', '--url', '{url}', '--weights', weights]),
  ['run', '{url}', '--weights', '1,3'],
  ['run', '{url}', '--url', '{url}', '--weights', '1,2,3'],
  ['run', '{url}', '--url', 'tcp://127.0.0.1:9'],
  ['run', '{url}', '--url', 'not a url'],
  ['run', '{url}', '--url', 'http://127.0.0.1:9/', '--scenario', 'servo-fleet'],
  ['run', 'plan.yaml', '--url', '{url}'],
  ['run', '{url}', '--bucket', '1s'],
  ['run', '{url}', '--vus', '3'],
  ['run', '{url}', '--target', '{url}'],
  ['run', '{url}', '--rate', '10', '--pipelining', '2'],
  ['run', '{url}', '--abort-on-fail'],
  ['run', '{url}', '--ndjson-sample', '0.5'],
  ['run', '{url}', '--scenario', 'no-such-scenario'],
  ['run', '{url}', '--apps', '3'],
  ['run', '{url}', '--rate', '50', '--arrival', 'bucket', '--bucket', '1h', '-d', '300ms'],
  ['run', '{url}', '--rate', '1000000M'],
  ['run', '{url}', '--bogus'],
  ['run'],
  ...['http', 'tcp-echo', 'grpc-worker', 'servo-fleet'].flatMap((kind) => ['70000', '-1', 'abc'].map((port) => ['serve', kind, '--port', port])),
  ['serve', 'servo-fleet', '--apps', '0'],
  ['serve', 'servo-fleet', '--apps', '1000000'],
  ['serve', 'servo-fleet', '--adjust-settings', 'not json'],
  ['serve', 'http', '--tls', '--h2c'],
  ['serve', 'nothing'],
  ['report', FILE],
  ['report', '{dir}'],
  ['report'],
  ['merge', FILE, FILE],
  ['merge', FILE],
  ['compare', FILE, FILE],
  ...['p98>+10%', 'p99>10%', 'p99', 'rate>+5ms', 'errors>+5ms', ''].map((condition) => ['compare', FILE, FILE, '--fail-if', condition]),
  ['import', FILE, '--tasks', FILE],
  ['import', FILE],
  ['init', '--dir', FILE],
  ['coordinate', '--shards', '0'],
  ['coordinate', '--shards', 'abc'],
  ['frobnicate'],
  ['k8s', 'frobnicate'],
];

/** Runs `cases` a few at a time (each is a process), checking each as it ends. */
async function checkAll(cases: string[][], check: (args: string[], outcome: { status: number | null; stderr: string }) => void): Promise<void> {
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let args = queue.shift(); args; args = queue.shift()) check(args, await salvoAsync(...args));
    }),
  );
}

function assertOneLineUsageError(args: string[], { status, stderr }: { status: number | null; stderr: string }): void {
  const shown = `salvo ${args.join(' ')}`;
  assert.equal(status, 2, `${shown}: exit ${status}\n${stderr}`);
  assert.equal(stderr.trimEnd().split('\n').length, 1, `${shown}: one line expected\n${stderr}`);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /, shown);
}

describe('the bad-input corpus: exit 2, one line, no stack trace, no internal error', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'salvo-corpus-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('it holds at least 400 cases over every flag and every plan section', () => {
    const sections = new Set(planCorpus().map(({ path }) => path.split(/[.=]/)[0]));
    for (const key of Object.keys((planJsonSchema().properties ?? {}) as object)) assert.ok(sections.has(key), `plan section ${key} has bad cases`);
    assert.ok(planCorpus().length + FLAG_CASES.length >= 400, `${planCorpus().length} plans + ${FLAG_CASES.length} flag cases`);
  });

  test('bad plan files: each one a SalvoError the CLI prints naming the file, a problem a line', () => {
    for (const [index, { path, plan }] of planCorpus().entries()) {
      const file = join(dir, `plan-${index}.json`);
      writeFileSync(file, JSON.stringify(plan));
      assert.throws(
        () => loadPlanFile(file),
        (error: unknown) =>
          error instanceof SalvoError &&
          error.exitCode === 2 &&
          error.describe().split('\n')[0]!.includes(file) &&
          error
            .describe()
            .split('\n')
            .slice(1)
            .every((line) => /^ {2}\S/.test(line)),
        path,
      );
    }
  });

  test('bad plan files through the CLI (a sample of the corpus, and a YAML alias bomb)', async () => {
    // Every 10th: each is a process, and the in-process check above covers every case the same way.
    const files = planCorpus()
      .filter((_, index) => index % 10 === 0)
      .map(({ plan }, index) => {
        const file = join(dir, `sample-${index}.json`);
        writeFileSync(file, JSON.stringify(plan));
        return ['run', file];
      });
    const bomb = join(dir, 'bomb.yaml');
    writeFileSync(
      bomb,
      `a: &a ["x","x","x","x","x","x","x","x","x"]\n${['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((key, index) => `${key}: &${key} [${new Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`).join('\n')}\n`,
    );
    files.push(['run', bomb]);
    await checkAll(files, (args, { status, stderr }) => {
      const [first, ...problems] = stderr.trimEnd().split('\n');
      // A plan file with several problems lists them one a line under the line naming the file.
      assertOneLineUsageError(args, { status, stderr: `${first}\n` });
      assert.ok(first!.includes(args[1]!), `names the file: ${first}`);
      for (const problem of problems) assert.match(problem, /^ {2}\S/, `salvo ${args.join(' ')}: a problem a line\n${stderr}`);
      assert.doesNotMatch(stderr, /internal error|\n\s+at /);
    });
  });

  test('bad flags of every command', async () => {
    const cases = FLAG_CASES.map((args) => args.map((arg) => arg.replace('{url}', URL_CLOSED).replace('{dir}', dir)));
    await checkAll(cases, assertOneLineUsageError);
  });
});
