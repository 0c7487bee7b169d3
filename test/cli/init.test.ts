import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { starterPlan, starterScenario } from '../../src/cli/commands/init.js';
import { readResult } from '../../src/result/io.js';
import { loadScenarioModule } from '../../src/scenario/load-scenario.js';
import { startTargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'salvo-init-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('salvo init: the starter scenario', () => {
  test('is written beside the starter plan, and neither is ever overwritten', () => {
    const initDir = mkdtempSync(join(dir, 'both-'));
    const { status, stdout } = salvo('init', '--dir', initDir);
    assert.equal(status, 0);
    assert.match(stdout, /wrote .*scenario\.ts\n/);
    assert.equal(readFileSync(join(initDir, 'scenario.ts'), 'utf8'), starterScenario());
    assert.equal(readFileSync(join(initDir, 'salvo.plan.yaml'), 'utf8'), starterPlan());

    // Only the scenario there: init writes nothing, not even the missing plan.
    const scenarioOnly = mkdtempSync(join(dir, 'scenario-only-'));
    writeFileSync(join(scenarioOnly, 'scenario.ts'), '// mine\n');
    assertUsageError(['init', '--dir', scenarioOnly], /^salvo: error: .*scenario\.ts already exists: remove it or choose another --dir$/);
    assert.equal(readFileSync(join(scenarioOnly, 'scenario.ts'), 'utf8'), '// mine\n');
    assert.equal(existsSync(join(scenarioOnly, 'salvo.plan.yaml')), false);
  });

  test('examples/scenario.ts is the starter scenario', () => {
    const example = fileURLToPath(new URL('../../../examples/scenario.ts', import.meta.url));
    assert.equal(readFileSync(example, 'utf8'), starterScenario());
  });

  test('targets the port salvo serve http listens on by default, so it runs as-is', async () => {
    const help = salvo('serve', 'http', '--help');
    const defaultPort = /--port <port>.*\(default: (\d+)\)/.exec(help.stdout)?.[1];
    assert.ok(defaultPort, help.stdout);
    const file = join(mkdtempSync(join(dir, 'port-')), 'scenario.ts');
    writeFileSync(file, starterScenario());
    const definition = await loadScenarioModule(file);
    assert.equal((definition.plan?.target as { url?: string } | undefined)?.url, `http://127.0.0.1:${defaultPort}/`);
  });

  test('the written files run against salvo serve http: the scenario with both user types, every check passing', async () => {
    const target = await startTargetProcess('http');
    try {
      const initDir = mkdtempSync(join(dir, 'run-'));
      assert.equal(salvo('init', '--dir', initDir).status, 0);
      const out = join(initDir, 'users.json');
      // 4 users at the scenario's 3:1 are 3 Browsers and a Buyer.
      const users = salvo('run', join(initDir, 'scenario.ts'), '--vus', '4', '--duration', '1s', '--target', `${target.url}/`, '--out', out);
      assert.equal(users.status, 0, users.stderr);
      const result = await readResult(out);
      assert.equal(result.summary.requests.failed, 0);
      const breakdown = result.breakdown!;
      assert.deepEqual(breakdown.userTypes.map((type) => type.name).sort(), ['Browser', 'Buyer']);
      assert.deepEqual(breakdown.exceptions, []);
      assert.ok(breakdown.checks.length > 0, 'the starter checks ran');
      for (const check of breakdown.checks) assert.equal(check.fails, 0, `${check.name} failed ${check.fails} times`);

      const arrivals = salvo('run', join(initDir, 'salvo.plan.yaml'), '--rate', '50', '--duration', '1s', '--target', `${target.url}/`, '--quiet');
      assert.equal(arrivals.status, 0, arrivals.stderr);
    } finally {
      await target.stop();
    }
  });
});

describe('an installation without examples/', () => {
  test('runs every other command, and init says in one line what it misses', () => {
    // As a copy of dist/ does (the bench runs one): the examples are read by init only.
    const install = join(dir, 'install');
    cpSync(fileURLToPath(new URL('../../src', import.meta.url)), join(install, 'dist/src'), { recursive: true });
    cpSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), join(install, 'package.json'));
    symlinkSync(fileURLToPath(new URL('../../../node_modules', import.meta.url)), join(install, 'node_modules'));
    const main = join(install, 'dist/src/cli/main.js');
    const schema = spawnSync(process.execPath, [main, 'schema'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(schema.status, 0, schema.stderr);
    const init = spawnSync(process.execPath, [main, 'init', '--dir', join(dir, 'nowhere')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(init.status, 2);
    assert.match(init.stderr, /^salvo: error: cannot read the starter salvo\.plan\.yaml from this installation \(.*examples\/salvo\.plan\.yaml\): ENOENT\n$/);
  });
});
