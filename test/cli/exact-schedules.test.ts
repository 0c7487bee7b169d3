import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvoAsync } from '../support/cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('schedules send what they say: long durations, bucket arrivals', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-schedules-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('-d 600h (past the 2^31 ms timer limit) keeps running until told to stop', async () => {
    const out = join(dir, 'long.json');
    const child = spawn(process.execPath, [MAIN, 'run', target.url, '--rate', '100', '-d', '600h', '--progress', '1s', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let exited = false;
    child.on('exit', () => (exited = true));
    // Two progress lines: the run outlived the 1 ms an overflowing timer would have given it.
    await new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if ((stdout.match(/\d+\/s/g) ?? []).length >= 2) resolve();
      }),
    );
    assert.equal(exited, false, `ended on its own:\n${stdout}`);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 130);
    const result = await readResult(out);
    assert.equal(result.interrupted, true);
    assert.equal(result.summary.errors.timeout ?? 0, 0);
    assert.ok(result.summary.requests.sent >= 100, `sent ${result.summary.requests.sent}`);
  });

  test('--grace 600h: the run ends at its duration, its requests answered, none counted as timeout', async () => {
    const out = join(dir, 'grace.json');
    const { status, stderr } = await salvoAsync('run', target.url, '--rate', '100', '-d', '1s', '--grace', '600h', '-q', '--out', out);
    assert.equal(status, 0, stderr);
    const result = await readResult(out);
    assert.equal(result.summary.requests.sent + result.summary.requests.dropped, 100);
    assert.equal(result.summary.errors.timeout ?? 0, 0);
    assert.equal(result.interrupted, false);
  });

  test('--arrival bucket sends rate × duration, the last bucket partial', async () => {
    const out = join(dir, 'bucket.json');
    const { status, stderr } = await salvoAsync('run', target.url, '--rate', '1000', '--arrival', 'bucket', '--bucket', '1s', '-d', '1.5s', '-q', '--out', out);
    assert.equal(status, 0, stderr);
    const { requests } = (await readResult(out)).summary;
    assert.equal(requests.sent + requests.dropped, 1500);
  });

  test('a bucket longer than the run is refused before it starts', () => {
    assertUsageError(
      ['run', target.url, '--rate', '50', '--arrival', 'bucket', '--bucket', '1h', '-d', '300ms'],
      /executor\.bucketMs: a bucket of 3600000 ms is longer than the run \(300 ms\)/,
    );
  });
});
