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
import { assertUsageError } from '../support/cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('rates far beyond what the target takes', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-floods-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a rate no machine could send is refused before the run', () => {
    assertUsageError(
      ['run', target.url, '--rate', '1000000M', '-d', '300ms'],
      /executor\.ratePerSec: must be at most 1000M \(a billion\) requests per second: no machine sends more/,
    );
  });

  test('100M req/s into 1 connection and a queue of 5: progress is printed, Ctrl-C writes the result', async () => {
    const out = join(dir, 'flood.json');
    const child = spawn(
      process.execPath,
      [MAIN, 'run', target.url, '--rate', '100M', '-d', '60s', '-c', '1', '--max-queue', '5', '--progress', '1s', '--out', out],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    // A progress line means timers still run between the floods of due requests.
    await new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (/\d+\/s/.test(stdout)) resolve();
      }),
    );
    const signalledMs = performance.now();
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    const exitMs = performance.now() - signalledMs;
    assert.equal(code, 130);
    // Generous for a busy machine; bench-free: the point is seconds, not a hang.
    assert.ok(exitMs < 5000, `exited ${Math.round(exitMs)} ms after SIGINT`);
    const result = await readResult(out);
    assert.equal(result.interrupted, true);
    const { sent, dropped } = result.summary.requests;
    assert.ok(dropped > 1_000_000, `dropped ${dropped}`);
    assert.ok(sent >= 1, `sent ${sent}`);
  });
});
