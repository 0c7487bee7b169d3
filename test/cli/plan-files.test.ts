import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { starterPlan } from '../../src/cli/commands/init.js';
import { planFromFlags } from '../../src/cli/commands/run.js';
import type { RunFlags } from '../../src/cli/run-flags.js';
import { CliError } from '../../src/cli/exit-codes.js';
import { flagsWithRunOptions, withFlags } from '../../src/cli/plan-file-flags.js';
import { loadPlanFile } from '../../src/plan/load.js';
import { validatePlan } from '../../src/plan/validate.js';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo, salvoAsync } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'salvo-plan-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** commander's values for `salvo run` with no flags given, so a test sets only what it means. */
const DEFAULTS: RunFlags = {
  duration: 10_000,
  arrival: 'constant',
  connections: 50,
  timeout: 10_000,
  grace: 10_000,
  maxQueue: 100_000,
  method: 'GET',
  header: [],
  url: [],
  metadata: [],
  probe: true,
  threshold: [],
  progress: 5000,
  jit: 'auto',
};
const RAMP = { type: 'ramping-arrival-rate', startRatePerSec: 0, stages: [{ targetRatePerSec: 100, durationMs: '10s' }] };
const PLAN = {
  target: { url: 'http://127.0.0.1:8080/', bodyFile: 'body.json', headers: [['A', '1']] },
  executor: { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: '10s' },
  connections: 7,
  thresholds: [{ expression: 'p99<1s' }],
};

/** The validated plan after applying `flags` as if the user typed exactly those. */
function overridden(plan: Record<string, unknown>, flags: Partial<RunFlags>) {
  return validatePlan(withFlags(plan, { ...DEFAULTS, ...flags }, new Set(Object.keys(flags))));
}

describe('flags override a plan file', () => {
  test('no flags: the plan as written', () => {
    assert.deepEqual(overridden(PLAN, {}), validatePlan(PLAN));
  });

  test('each flag the user typed replaces its plan value; the rest of the plan stays', () => {
    const plan = overridden(PLAN, {
      rate: 2000,
      duration: 3000,
      connections: 9,
      timeout: 500,
      grace: 0,
      maxQueue: 10,
      method: 'post',
      header: [['B', '2']],
      body: '{}',
      threshold: ['errors<1%'],
      abortOnFail: true,
    });
    assert.deepEqual(plan.executor, { type: 'constant-arrival-rate', ratePerSec: 2000, durationMs: 3000 });
    assert.deepEqual(plan.target, { url: 'http://127.0.0.1:8080/', method: 'POST', headers: [['B', '2']], body: '{}' });
    assert.deepEqual([plan.connections, plan.timeoutMs, plan.gracefulStopMs, plan.maxQueue], [9, 500, 0, 10]);
    assert.deepEqual(plan.thresholds, [{ expression: 'errors<1%', abortOnFail: true }]);
  });

  test('--arrival keeps the plan’s rate and duration; --seed and --bucket go with their schedule', () => {
    assert.deepEqual(overridden(PLAN, { arrival: 'poisson', seed: 5 }).executor, { type: 'poisson-arrival-rate', ratePerSec: 50, durationMs: 10_000, seed: 5 });
    assert.deepEqual(overridden(PLAN, { arrival: 'bucket', bucket: 250 }).executor, { type: 'bucket-rate', ratePerSec: 50, durationMs: 10_000, bucketMs: 250 });
    const poisson = { ...PLAN, executor: { type: 'poisson-arrival-rate', ratePerSec: 50, durationMs: 1000, seed: 3 } };
    assert.deepEqual(overridden(poisson, { seed: 9, duration: 2000 }).executor, { type: 'poisson-arrival-rate', ratePerSec: 50, durationMs: 2000, seed: 9 });
    assert.deepEqual(overridden(poisson, { rate: 80 }).executor, { type: 'poisson-arrival-rate', ratePerSec: 80, durationMs: 1000, seed: 3 });
  });

  test('--arrival uniform is the Knative framework’s name for constant, and the plan records constant', () => {
    assert.deepEqual(validatePlan(planFromFlags('http://127.0.0.1:8080/', { ...DEFAULTS, rate: 20, arrival: 'uniform' })).executor, {
      type: 'constant-arrival-rate',
      ratePerSec: 20,
      durationMs: 10_000,
    });
    const poisson = { ...PLAN, executor: { type: 'poisson-arrival-rate', ratePerSec: 50, durationMs: 1000, seed: 3 } };
    assert.deepEqual(overridden(poisson, { arrival: 'uniform' }).executor, { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: 1000 });
    const shorthand = { ...PLAN, executor: { arrival: 'uniform', ratePerSec: 20, durationMs: '12m' } };
    assert.deepEqual(validatePlan(shorthand).executor, { type: 'constant-arrival-rate', ratePerSec: 20, durationMs: 720_000 });
    assert.deepEqual(validatePlan({ ...PLAN, executor: { arrival: 'poisson', ratePerSec: 20, durationMs: 1000, seed: 4 } }).executor, {
      type: 'poisson-arrival-rate',
      ratePerSec: 20,
      durationMs: 1000,
      seed: 4,
    });
  });

  test('--rate with --duration replaces a ramp; --abort-on-fail alone applies to the plan’s thresholds', () => {
    assert.deepEqual(overridden({ ...PLAN, executor: RAMP }, { rate: 10, duration: 1000 }).executor, {
      type: 'constant-arrival-rate',
      ratePerSec: 10,
      durationMs: 1000,
    });
    assert.deepEqual(overridden(PLAN, { abortOnFail: true }).thresholds, [{ expression: 'p99<1s', abortOnFail: true }]);
  });

  test('the plan’s run section fills in the flags the user did not type', () => {
    const options = { out: 'plan.json', html: 'plan.html', quiet: true, probe: false, progressMs: 2000, ndjson: 'x.ndjson', ndjsonSample: 0.5 };
    const merged = flagsWithRunOptions({ ...DEFAULTS, out: 'flag.json' } as RunFlags, options, new Set(['out'])) as RunFlags & Record<string, unknown>;
    assert.deepEqual(
      [merged.out, merged.html, merged.quiet, merged.probe, merged.progress, merged.ndjson, merged.ndjsonSample],
      ['flag.json', 'plan.html', true, false, 2000, 'x.ndjson', 0.5],
    );
    assert.equal(flagsWithRunOptions(DEFAULTS, { jit: 'peak' }, new Set()).jit, 'peak');
    assert.equal(flagsWithRunOptions({ ...DEFAULTS, jit: 'steady' }, { jit: 'peak' }, new Set(['jit'])).jit, 'steady', 'the flag wins');
    assert.equal(flagsWithRunOptions(DEFAULTS, { startAt: '2099-01-01T00:00:00Z' }, new Set()).startAt, Date.parse('2099-01-01T00:00:00Z'));
    assert.throws(
      () => flagsWithRunOptions(DEFAULTS, { startAt: 'tomorrow' }, new Set()),
      (error: unknown) => error instanceof CliError && /^run\.startAt: "tomorrow" is not an ISO time/.test(error.message),
    );
  });

  const refused: { name: string; plan: Record<string, unknown>; flags: Partial<RunFlags>; message: string }[] = [
    {
      name: '--duration on a ramp',
      plan: { ...PLAN, executor: RAMP },
      flags: { duration: 1000 },
      message: '--duration does not apply to ramping-arrival-rate: its stages set the duration',
    },
    {
      name: '--rate on a ramp without --duration',
      plan: { ...PLAN, executor: RAMP },
      flags: { rate: 10 },
      message: "--rate replaces the plan's ramping-arrival-rate, whose stages set its duration: give --duration too",
    },
    {
      name: '--arrival on a ramp without --rate',
      plan: { ...PLAN, executor: RAMP },
      flags: { arrival: 'poisson' },
      message: "--arrival poisson needs --rate: the plan's ramping-arrival-rate has no single rate",
    },
    {
      name: '--seed on a constant rate',
      plan: PLAN,
      flags: { seed: 1 },
      message: "--seed applies only to poisson-arrival-rate, and the plan's executor is constant-arrival-rate",
    },
    {
      name: '--pipelining on a constant rate',
      plan: PLAN,
      flags: { pipelining: 4 },
      message: "--pipelining applies only to max-throughput, and the plan's executor is constant-arrival-rate",
    },
    {
      name: '--abort-on-fail with no threshold anywhere',
      plan: { ...PLAN, thresholds: [] },
      flags: { abortOnFail: true },
      message: '--abort-on-fail needs at least one threshold, in the plan or with --threshold',
    },
  ];
  for (const { name, plan, flags, message } of refused) {
    test(`refused in one line: ${name}`, () => {
      assert.throws(
        () => overridden(plan, flags),
        (error: unknown) => error instanceof CliError && error.message === message,
      );
    });
  }
});

describe('salvo run <plan file>', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess();
  });
  after(async () => {
    await target.stop();
  });

  test('runs a YAML plan, flags typed on the command line replacing its values', async () => {
    const planOut = join(dir, 'never-written.json');
    const plan = file(
      'run.yaml',
      `target:\n  url: ${target.url}\nexecutor:\n  type: constant-arrival-rate\n  ratePerSec: 5\n  durationMs: 1m\nconnections: 7\ntimeoutMs: 2s\nrun:\n  out: ${planOut}\n  quiet: true\n`,
    );
    const out = join(dir, 'run.json');
    const { status, stdout, stderr } = await salvoAsync('run', plan, '--rate', '200', '--duration', '500ms', '--out', out);
    assert.equal(status, 0, stderr);
    assert.equal(stdout, '', 'run.quiet from the plan');
    assert.equal(existsSync(planOut), false, '--out replaced run.out');
    const result = await readResult(out);
    assert.deepEqual(result.plan.executor, { type: 'constant-arrival-rate', ratePerSec: 200, durationMs: 500 });
    assert.equal(result.plan.connections, 7);
    assert.equal(result.plan.timeoutMs, 2000);
    assert.equal(result.summary.requests.sent, 100);
  });

  test('runs a JSON ramp: exactly the requests of its stages', async () => {
    const out = join(dir, 'ramp-result.json');
    const plan = file(
      'ramp.json',
      JSON.stringify({
        target: { url: target.url },
        executor: {
          type: 'ramping-arrival-rate',
          stages: [
            { targetRatePerSec: 400, durationMs: '500ms' },
            { targetRatePerSec: 0, durationMs: 500 },
          ],
        },
        run: { out, probe: false },
      }),
    );
    const { status, stderr } = await salvoAsync('run', plan, '--quiet');
    assert.equal(status, 0, stderr);
    const result = await readResult(out);
    assert.equal(result.summary.requests.sent, 200);
    assert.equal(result.plan.executor.durationMs, 1000);
    assert.equal(result.summary.rate.target, 200);
    assert.equal('run' in result.plan, false, 'a result records the load, not how it was run');
  });

  test('an invalid plan file: one header line naming the file, then one indented line per problem, exit 2', () => {
    const plan = file(
      'bad.yaml',
      'target:\n  url: http://127.0.0.1:8080/\n  metod: GET\nexecutor:\n  type: ramping-arrival-rate\n  stages: []\nconnections: 0\n',
    );
    const { status, stderr } = salvo('run', plan);
    assert.equal(status, 2);
    assert.equal(
      stderr,
      `salvo: error: invalid plan ${plan}:\n  target.metod: unknown field\n  executor.stages: needs at least one stage\n  connections: Too small: expected number to be >=1\n`,
    );
  });

  test('a YAML syntax error is one line with the file, line and column', () => {
    const plan = file('syntax.yaml', 'target:\n  url: http://x/\n   bad: 1\n');
    assertUsageError(
      ['run', plan],
      new RegExp(`^salvo: error: ${plan.replace(/[.\\/]/g, '\\$&')}:2:8: YAML syntax error: Nested mappings are not allowed in compact mappings$`),
    );
  });

  test('a plan file that is not there, and a flag that does not fit the plan, are one line each', () => {
    assertUsageError(['run', join(dir, 'absent.yaml')], /^salvo: error: no plan file .*absent\.yaml$/);
    const plan = file(
      'ramp.yaml',
      'target: { url: "http://127.0.0.1:8080/" }\nexecutor: { type: ramping-arrival-rate, stages: [{ targetRatePerSec: 10, durationMs: 1s }] }\n',
    );
    assertUsageError(['run', plan, '--duration', '5s'], /^salvo: error: --duration does not apply to ramping-arrival-rate: its stages set the duration$/);
  });
});

describe('salvo schema', () => {
  test('prints the JSON Schema of plan files', () => {
    const { status, stdout } = salvo('schema');
    assert.equal(status, 0);
    const schema = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.title, 'salvo plan');
  });
});

describe('salvo init', () => {
  test('writes the commented starter plan, which validates as-is, and never overwrites it', () => {
    const initDir = mkdtempSync(join(dir, 'init-'));
    const { status, stdout } = salvo('init', '--dir', initDir);
    assert.equal(status, 0);
    const path = join(initDir, 'salvo.plan.yaml');
    assert.match(stdout, /wrote .*salvo\.plan\.yaml/);
    const text = readFileSync(path, 'utf8');
    assert.equal(text, starterPlan());
    assert.match(text, /^# /m, 'the starter plan explains itself in comments');
    const plan = loadPlanFile(path);
    assert.equal(plan.target.url, 'http://127.0.0.1:8080/');
    assert.equal(plan.executor.type, 'ramping-arrival-rate');
    assert.equal(plan.executor.durationMs, 15_000);
    writeFileSync(path, `# edited\n${text}`);
    assertUsageError(['init', '--dir', initDir], /^salvo: error: .*salvo\.plan\.yaml already exists: remove it or choose another --dir$/);
    assert.match(readFileSync(path, 'utf8'), /^# edited\n/);
  });

  test('examples/salvo.plan.yaml is the starter plan', () => {
    const example = fileURLToPath(new URL('../../../examples/salvo.plan.yaml', import.meta.url));
    assert.equal(readFileSync(example, 'utf8'), starterPlan());
  });
});
