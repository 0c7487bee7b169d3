import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { importLocustConfig, ImportError, type LocustImportInput } from '../../src/import/index.js';
import { loadPlanFile } from '../../src/plan/load.js';
import { loadScenarioModule } from '../../src/scenario/load-scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'salvo-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const example = (name: string): string => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

/** A scenario definition as a loaded file gives it: two user types with their think times, and a plan. */
const DEFINITION = {
  userTypes: {
    Weekend: { minWaitMs: 1000, maxWaitMs: 1000, tasks: { home: () => undefined } },
    Weekday: { weight: 3, tasks: { home: () => undefined } },
  },
  plan: {
    target: { url: 'http://127.0.0.1:8080/', headers: [['Accept', 'text/plain']] },
    executor: { type: 'constant-vus', vus: 5, durationMs: '10s' },
    thresholds: [{ expression: 'errors<1%' }],
  },
};

const importOf = (configText: string, extra: Partial<LocustImportInput> = {}) =>
  importLocustConfig({ configFile: 'load.pbtxt', configText, scenarioFile: 'scenario.ts', definition: DEFINITION, ...extra });

describe('importLocustConfig', () => {
  test("the sample config round-trips: import, YAML, loadPlanFile gives the config's phases", async () => {
    const file = join(dir, 'plan.yaml');
    const imported = importLocustConfig({
      planFile: file,
      configFile: 'examples/load.pbtxt',
      configText: readFileSync(example('load.pbtxt'), 'utf8'),
      scenarioFile: example('scenario.ts'),
      definition: await loadScenarioModule(example('scenario.ts')),
    });
    writeFileSync(file, imported.yaml);
    const plan = loadPlanFile(file);
    assert.equal(plan.scenario, example('scenario.ts'));
    assert.equal(plan.target.url, 'http://127.0.0.1:8080/', "the scenario's own target");
    assert.equal(plan.executor.type, 'phases');
    // The values written in examples/load.pbtxt; think times appear only where they differ from scenario.ts's.
    assert.deepEqual(plan.executor.phases, [
      {
        durationMs: 60_000,
        users: 100,
        spawnRate: 10,
        restart: true,
        userTypes: [
          { name: 'Browser', weight: 3 },
          { name: 'Buyer', weight: 1 },
        ],
      },
      {
        durationMs: 120_000,
        users: 200,
        spawnRate: 20.5,
        restart: true,
        userTypes: [
          { name: 'Browser', weight: 1 },
          { name: 'Buyer', weight: 2, minWaitMs: 200, maxWaitMs: 800 },
        ],
      },
      { durationMs: 30_000, users: 20, spawnRate: 5, restart: true, userTypes: [{ name: 'Browser', weight: 1, minWaitMs: 1000, maxWaitMs: 1000 }] },
    ]);
    assert.equal(plan.executor.durationMs, 210_000);
    assert.deepEqual(plan.thresholds, [{ expression: 'errors<1%', abortOnFail: false }], "the scenario's plan is kept but for its executor");
    assert.deepEqual(plan, imported.plan);
    assert.match(imported.yaml, /^# Imported by `salvo import` from examples\/load\.pbtxt \(a Locust load config\), with the user types of .*scenario\.ts\.\n/);
  });

  test("--target replaces the URL of the scenario's target and keeps the rest; without either it is an error", () => {
    const config = 'phases { duration: 1 num_users: 2 hatch_rate_per_s: 1 }';
    assert.deepEqual(importOf(config, { target: 'http://127.0.0.1:9/x' }).data.target, { url: 'http://127.0.0.1:9/x', headers: [['Accept', 'text/plain']] });
    assert.deepEqual(importOf(config).data.target, DEFINITION.plan.target);
    const bare = { userTypes: DEFINITION.userTypes };
    assert.deepEqual(importOf(config, { definition: bare, target: 'http://127.0.0.1:9/' }).data.target, { url: 'http://127.0.0.1:9/' });
    assert.throws(() => importOf(config, { definition: bare }), new ImportError('scenario.ts declares no plan.target: give --target <url>'));
  });

  test('a phase without user types runs every type of the scenario at its own weight', () => {
    const { data } = importOf('phases { duration: 2 num_users: 4 hatch_rate_per_s: 0.5 }');
    assert.deepEqual(data.executor, { type: 'phases', phases: [{ durationMs: 2000, users: 4, spawnRate: 0.5, restart: true }] });
  });

  test('think time: absent waits are 0, as protobuf reads them, and differ from a scenario type that waits', () => {
    const { data } = importOf(
      'phases { duration: 1 num_users: 2 hatch_rate_per_s: 1 user_types { name: "Weekend" ratio: 1 } user_types { name: "Weekday" ratio: 2 } }',
    );
    assert.deepEqual((data.executor as { phases: { userTypes: unknown }[] }).phases[0]!.userTypes, [
      { name: 'Weekend', weight: 1, minWaitMs: 0, maxWaitMs: 0 },
      { name: 'Weekday', weight: 2 },
    ]);
  });

  test("a user type the scenario does not have: one line naming it, where it is, and the scenario's types", () => {
    const config = 'phases {\n  duration: 1 num_users: 2 hatch_rate_per_s: 1\n  user_types { name: "Holiday" ratio: 1 }\n}';
    assert.throws(() => importOf(config), new ImportError('load.pbtxt:3:14: user type "Holiday" is not in scenario.ts (it has: Weekend, Weekday)'));
  });

  test('syntax, schema and plan problems: one line naming the file', () => {
    const cases: [string, string][] = [
      ['phases { duraton: 1 }', 'load.pbtxt:1:10: unknown field "duraton" in LocustPhaseConfig (known: user_types, duration, num_users, hatch_rate_per_s)'],
      ['phases { duration: 1 num_users: 2 }', 'load.pbtxt:1:8: LocustPhaseConfig needs "hatch_rate_per_s"'],
      ['', 'load.pbtxt makes an invalid plan: executor.phases: needs at least one phase'],
      [
        'phases { duration: 0 num_users: -1 hatch_rate_per_s: 1 }',
        'load.pbtxt makes an invalid plan: executor.phases[0].durationMs: Too small: expected number to be >0; executor.phases[0].users: must be 0 or more',
      ],
      [
        'phases { duration: 1 num_users: 1 hatch_rate_per_s: 1 user_types { name: "Weekday" ratio: 1 min_wait_ms: 9 max_wait_ms: 1 } }',
        'load.pbtxt makes an invalid plan: executor.phases[0].userTypes[0].maxWaitMs: must not be less than minWaitMs',
      ],
    ];
    for (const [config, message] of cases) assert.throws(() => importOf(config), new ImportError(message), config);
  });

  test('a scenario that is not one: its problems, as loading it for a run would say', () => {
    assert.throws(
      () => importOf('', { definition: { userTypes: {} } }),
      new ImportError('invalid scenario scenario.ts: userTypes: needs at least one user type'),
    );
  });
});
