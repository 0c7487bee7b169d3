import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'salvo-import-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SCENARIO = fileURLToPath(new URL('../../../examples/scenario.ts', import.meta.url));

/** The sample config's shape with second-long phases, so that a run of it is short. */
const SHORT_CONFIG = `# two phases of a second each
phases {
  duration: 1
  num_users: 4
  hatch_rate_per_s: 50
  user_types { name: "Browser" ratio: 3 min_wait_ms: 0 max_wait_ms: 20 }
  user_types { name: "Buyer" ratio: 1 min_wait_ms: 0 max_wait_ms: 20 }
}
phases {
  duration: 1
  num_users: 6
  hatch_rate_per_s: 50
  user_types { name: "Buyer", ratio: 1, min_wait_ms: 10, max_wait_ms: 30 }
}
`;

describe('salvo import', () => {
  test('bad input: one line naming the problem, exit 2', () => {
    const good = file('good.pbtxt', SHORT_CONFIG);
    const cases: [string[], RegExp][] = [
      [['import', join(dir, 'missing.pbtxt'), '--tasks', SCENARIO], /^salvo: error: cannot read .*missing\.pbtxt: ENOENT$/],
      [['import', good], /^salvo: error: required option '--tasks <scenario>' not specified$/],
      [['import', good, '--tasks', join(dir, 'missing.ts')], /^salvo: error: no scenario file .*missing\.ts$/],
      [
        ['import', file('syntax.pbtxt', 'phases {\n  duration: 1\n  num_users 2\n}\n'), '--tasks', SCENARIO],
        /^salvo: error: .*syntax\.pbtxt:3:13: expected ":" after "num_users", got int 2$/,
      ],
      [
        ['import', file('string.pbtxt', 'phases { user_types { name: "Buyer } }'), '--tasks', SCENARIO],
        /^salvo: error: .*string\.pbtxt:1:29: unterminated string$/,
      ],
      [
        [
          'import',
          file('holiday.pbtxt', 'phases { duration: 1 num_users: 1 hatch_rate_per_s: 1 user_types { name: "Holiday" ratio: 1 } }'),
          '--tasks',
          SCENARIO,
        ],
        /^salvo: error: .*holiday\.pbtxt:1:66: user type "Holiday" is not in .*scenario\.ts \(it has: Browser, Buyer\)$/,
      ],
      [
        ['import', good, '--tasks', SCENARIO, '--target', 'ftp://127.0.0.1/'],
        /^salvo: error: .*good\.pbtxt makes an invalid plan: target\.url: unsupported scheme "ftp:"/,
      ],
      [['import', good, '--tasks', SCENARIO, '-o', join(dir, 'no', 'such', 'dir.yaml')], /^salvo: error: cannot write .*dir\.yaml: ENOENT$/],
    ];
    for (const [args, pattern] of cases) assertUsageError(args, pattern);
  });

  test('the imported plan runs against salvo serve http, phase by phase', async () => {
    const target = await startTargetProcess('http');
    try {
      const config = file('short.pbtxt', SHORT_CONFIG);
      const plan = join(dir, 'short.plan.yaml');
      const written = salvo('import', config, '--tasks', SCENARIO, '--target', `${target.url}/`, '-o', plan);
      assert.equal(written.status, 0, written.stderr);
      assert.equal(written.stdout, `wrote ${plan}\nrun it with: salvo run ${plan}\n`);
      const printed = salvo('import', config, '--tasks', SCENARIO, '--target', `${target.url}/`);
      // The same plan, but for the scenario's path: relative to the working directory on stdout, to the plan's directory with -o.
      const withoutScenario = (text: string): string => text.replace(/^scenario: .*$/m, '');
      assert.equal(withoutScenario(printed.stdout), withoutScenario(readFileSync(plan, 'utf8')), 'stdout holds the same plan as -o');
      assert.match(readFileSync(plan, 'utf8'), /^scenario: (\.\.\/)+.*examples\/scenario\.ts$/m);

      const out = join(dir, 'short.json');
      const ran = salvo('run', plan, '--out', out);
      assert.equal(ran.status, 0, ran.stderr);
      assert.match(ran.stdout, /phases: 4 users \(\+50\/s\) for 1s, then 6 users \(\+50\/s\) for 1s/);
      assert.match(ran.stdout, /\n {2}phase +requests +failures/, 'the per-phase table');
      const result = await readResult(out);
      const phases = result.breakdown!.phases;
      assert.deepEqual(
        phases.map((phase) => phase.name),
        ['phase 1 (4 users, from 0 s)', 'phase 2 (6 users, from 1 s)'],
      );
      for (const phase of phases) assert.ok(phase.requests > 0, `${phase.name}: ${phase.requests} requests`);
      assert.equal(result.summary.requests.failed, 0);
      // The config's user types are the scenario's: both ran.
      const userTypes = Object.fromEntries(result.breakdown!.userTypes.map((type) => [type.name, type.requests]));
      assert.ok(userTypes.Browser! > 0 && userTypes.Buyer! > 0, JSON.stringify(userTypes));
    } finally {
      await target.stop();
    }
  });
});
