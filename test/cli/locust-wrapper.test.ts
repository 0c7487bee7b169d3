// The Locust wrapper's two real load configs, in their shape (hipster_shop: Normal, Weekend and
// Holiday users over 3 phases; superset: Writer and Reader), scaled to second-long phases, through
// `salvo import` and `salvo run`: each phase's req/s over its own time, phases repeating until
// --run-time, every phase's users started afresh as the wrapper's Locust per phase, and the files a
// plan names found from the plan file wherever salvo runs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { NamedStatsResult } from '../../src/metrics/breakdown.js';
import { formatRate } from '../../src/units/format.js';
import { readResult } from '../../src/result/io.js';
import type { RunResult } from '../../src/result/types.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { salvoIn } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'salvo-wrapper-'));
const configs = join(dir, 'configs');
const plans = join(dir, 'plans');
/** Where salvo runs: neither the configs' nor the plans' directory. */
const elsewhere = join(dir, 'elsewhere');
for (const directory of [configs, plans, elsewhere]) mkdirSync(directory);
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, text: string): string => {
  writeFileSync(path, text);
  return path;
};

/** Each user type counts its users' starts: a restarted phase starts all of its users again. */
const userType = (name: string, task: string) =>
  `${name}: { minWaitMs: 100, maxWaitMs: 100, onStart: (ctx) => ctx.count('started ${name}'), tasks: { ${task} } }`;

const HIPSTER_CONFIG = `# hipster_shop's load.pbtxt, phases of a second
phases {
  user_types { name: "Normal" ratio: 1 min_wait_ms: 100 max_wait_ms: 100 }
  duration: 1
  num_users: 4
  hatch_rate_per_s: 300
}
phases {
  user_types { name: "Normal" ratio: 1 min_wait_ms: 100 max_wait_ms: 100 }
  user_types { name: "Weekend" ratio: 2 min_wait_ms: 100 max_wait_ms: 100 }
  duration: 1
  num_users: 6
  hatch_rate_per_s: 500
}
phases {
  user_types { name: "Normal" ratio: 1 min_wait_ms: 100 max_wait_ms: 100 }
  user_types { name: "Holiday" ratio: 3 min_wait_ms: 100 max_wait_ms: 100 }
  duration: 1
  num_users: 8
  hatch_rate_per_s: 1000
}
`;

const SUPERSET_CONFIG = `# superset's load.pbtxt, phases of a second
phases {
  user_types { name: "Writer" ratio: 1 min_wait_ms: 100 max_wait_ms: 100 }
  duration: 1
  num_users: 3
  hatch_rate_per_s: 300
}
phases {
  user_types { name: "Writer" ratio: 1 min_wait_ms: 100 max_wait_ms: 100 }
  user_types { name: "Reader" ratio: 2 min_wait_ms: 100 max_wait_ms: 100 }
  duration: 1
  num_users: 3
  hatch_rate_per_s: 500
}
`;

/** The req/s cell of each row of the summary's table titled `title`. */
function rateCells(stdout: string, title: string): Map<string, string> {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.trimStart().startsWith(`${title} `));
  const cells = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+(.+?)\s{2,}[\d,]+\s+[\d,]+(?: \([\d.]+%\))?\s+(\S+\/s)\s/.exec(line);
    if (!match) break;
    cells.set(match[1]!, match[2]!);
  }
  return cells;
}

/** Each row's req/s is over its own time, as the result says it, and the summary prints that. */
function assertOwnRates(stdout: string, title: string, rows: NamedStatsResult[]): void {
  const printed = rateCells(stdout, title);
  for (const row of rows) {
    assert.ok(row.durationMs !== undefined, `${row.name} has its own time`);
    assert.equal(
      printed.get(row.name),
      formatRate((row.requests * 1000) / row.durationMs),
      `${title} ${row.name}: ${row.requests} requests over ${row.durationMs} ms`,
    );
  }
}

const counter = (result: RunResult, name: string): number => result.breakdown!.counters.find((c) => c.name === name)?.count ?? 0;

describe("the Locust wrapper's configs through salvo import and salvo run", () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess('http');
  });
  after(() => target.stop());

  test('hipster_shop: 3 phases, 3 user types, repeated until --run-time, each phase restarted', async () => {
    write(
      join(configs, 'hipster.ts'),
      `import { defineScenario } from 'salvo';\nexport default defineScenario({ userTypes: { ${['Normal', 'Weekend', 'Holiday'].map((name) => userType(name, `'${name.toLowerCase()} home': (ctx) => ctx.http.get('/')`)).join(', ')} } });\n`,
    );
    const config = write(join(configs, 'hipster.pbtxt'), HIPSTER_CONFIG);
    const imported = salvoIn(
      elsewhere,
      'import',
      config,
      '--tasks',
      join(configs, 'hipster.ts'),
      '--target',
      `${target.url}/`,
      '--run-time',
      '4s',
      '-o',
      join(plans, 'hipster.yaml'),
    );
    assert.equal(imported.status, 0, imported.stderr);
    const yaml = readFileSync(join(plans, 'hipster.yaml'), 'utf8');
    assert.match(yaml, /^scenario: \.\.\/configs\/hipster\.ts$/m, 'the scenario relative to the plan');
    assert.match(yaml, /runTimeMs: 4000/);
    assert.equal(yaml.match(/restart: true/g)?.length, 3);

    const ran = salvoIn(elsewhere, 'run', join(plans, 'hipster.yaml'), '--out', join(dir, 'hipster.json'));
    assert.equal(ran.status, 0, ran.stderr);
    const result = await readResult(join(dir, 'hipster.json'));
    assert.equal(result.summary.requests.failed, 0);
    // 4 s of run time: phases 1, 2, 3, then phase 1 again from 3 s, run to its end at 4 s.
    assert.equal(result.plan.executor.durationMs, 4000);
    const [first, second, third] = result.breakdown!.phases;
    assert.ok(first!.durationMs! >= 2000, `phase 1 ran twice: ${first!.durationMs} ms`);
    assert.equal(second!.durationMs, 1000);
    assert.equal(third!.durationMs, 1000);
    assertOwnRates(ran.stdout, 'phase', result.breakdown!.phases);
    const types = new Map(result.breakdown!.userTypes.map((row) => [row.name, row]));
    assert.equal(types.get('Weekend')!.durationMs, 1000, 'Weekend users run in phase 2 only');
    assert.equal(types.get('Holiday')!.durationMs, 1000, 'Holiday users run in phase 3 only');
    assertOwnRates(ran.stdout, 'user type', result.breakdown!.userTypes);
    // Restarted phases start every user afresh: 4 + 2 + 2 + 4 Normal users (carried over, it would be 6).
    assert.equal(counter(result, 'started Normal'), 12);
    assert.equal(counter(result, 'started Weekend'), 4);
    assert.equal(counter(result, 'started Holiday'), 6);
  });

  test('superset: 2 user types over 2 phases, with a data file named relative to the scenario', async () => {
    write(join(configs, 'writers.csv'), 'name\nada\ngrace\nedsger\n');
    write(
      join(configs, 'superset.ts'),
      `import { defineScenario } from 'salvo';\nexport default defineScenario({\n  plan: { data: { writers: { file: 'writers.csv', mode: 'split' } } },\n  userTypes: { ${userType('Writer', `write: (ctx) => ctx.http.post('/echo', { json: { by: ctx.row('writers').name } })`)}, ${userType('Reader', `read: (ctx) => ctx.http.get('/')`)} },\n});\n`,
    );
    const config = write(join(configs, 'superset.pbtxt'), SUPERSET_CONFIG);
    const imported = salvoIn(
      elsewhere,
      'import',
      config,
      '--tasks',
      join(configs, 'superset.ts'),
      '--target',
      `${target.url}/`,
      '-o',
      join(plans, 'superset.yaml'),
    );
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(readFileSync(join(plans, 'superset.yaml'), 'utf8'), /file: \.\.\/configs\/writers\.csv/);

    const ran = salvoIn(elsewhere, 'run', join(plans, 'superset.yaml'), '--out', join(dir, 'superset.json'));
    assert.equal(ran.status, 0, ran.stderr);
    const result = await readResult(join(dir, 'superset.json'));
    assert.equal(result.summary.requests.failed, 0);
    assert.equal(result.plan.executor.durationMs, 2000, 'no --run-time: the phases once');
    const phases = result.breakdown!.phases;
    assert.equal(phases[0]!.durationMs, 1000);
    assert.ok(phases[1]!.durationMs! >= 1000);
    assertOwnRates(ran.stdout, 'phase', phases);
    assert.equal(counter(result, 'started Writer'), 3 + 1, 'the Writer of phase 2 is a new one');
    assert.equal(counter(result, 'started Reader'), 2);
    assert.ok(result.breakdown!.tasks.find((task) => task.name === 'write')!.requests > 0);
  });
});
