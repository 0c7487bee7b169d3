// `salvo serve servo-fleet` as a process: flags, signals, the state file, exit codes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, description, hello, whatsNext } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

async function start(args: string[]): Promise<{ url: string; stop: (signal: NodeJS.Signals) => Promise<string> }> {
  const child = spawn(process.execPath, [MAIN, 'serve', 'servo-fleet', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (\S+)\n/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
  });
  return {
    url,
    stop: async (signal) => {
      child.kill(signal);
      await once(child, 'exit');
      return output;
    },
  };
}

describe('salvo serve servo-fleet (process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-servo-cli-'));

  test('SIGTERM writes the state file; the next start restores it', async () => {
    const file = join(dir, 'state.json');
    const adjust = '{"web": {"cpu": 2}}';
    const first = await start(['--apps', '50', '--state-file', file, '--adjust-settings', adjust]);
    const client = new Client(first.url);
    await client.walk(12, [hello, whatsNext, description]);
    const log = await first.stop('SIGTERM');
    assert.match(log, /servo-fleet target \(50 apps\) listening on/);
    assert.match(log, /saved 1 application state\(s\) to /);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).apps.app00012.state, 'start-measure');

    const second = await start(['--apps', '50', '--state-file', file, '--resync']);
    const again = new Client(second.url);
    assert.equal((await again.send(12, whatsNext)).body.cmd, 'MEASURE');
    const out = await second.stop('SIGINT');
    assert.match(out, /restored 1 application state\(s\)/);
    assert.match(out, /\(50 apps, resync\)/);
  });

  test('--adjust-settings shapes the ADJUST command', async () => {
    const target = await start(['--apps', '2', '--adjust-settings', '{"web": {"cpu": 2, "replicas": 5}}']);
    const client = new Client(target.url);
    await client.walk(0, [hello, description, { event: 'MEASUREMENT', progress: 1 }, { event: 'MEASUREMENT' }]);
    const adjust = (await client.send(0, whatsNext)).body;
    assert.deepEqual(adjust.param, { state: { application: { components: { web: { settings: { cpu: { value: 2 }, replicas: { value: 5 } } } } } } });
    await target.stop('SIGTERM');
  });

  test('a corrupt state file, a bad flag: one line on stderr, exit 2', () => {
    const file = join(dir, 'corrupt.json');
    writeFileSync(file, '{"format": "salvo-servo-fleet/1", "apps": [');
    const cases: [string[], RegExp][] = [
      [['--state-file', file], /^salvo: error: state file .*corrupt\.json is not JSON/],
      [['--apps', '100001'], /more than 100000/],
      [['--apps', '0'], /at least 1/],
      [['--adjust-settings', '{"web": 3}'], /web: expected an object of settings/],
      [['--adjust-settings', 'nope'], /is not JSON/],
    ];
    for (const [args, why] of cases) {
      const res = spawnSync(process.execPath, [MAIN, 'serve', 'servo-fleet', '--port', '0', ...args], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, why);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
