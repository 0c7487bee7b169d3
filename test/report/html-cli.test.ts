import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { writeResult } from '../../src/result/io.js';
import { syntheticResult } from './html-fixture.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('salvo report result.json --html report.html writes the page and says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-html-'));
  try {
    const resultPath = join(dir, 'result.json');
    const htmlPath = join(dir, 'report.html');
    await writeResult(resultPath, syntheticResult());
    const { status, stdout, stderr } = spawnSync(process.execPath, [MAIN, 'report', resultPath, '--html', htmlPath], { encoding: 'utf8' });
    assert.equal(status, 0, stderr);
    assert.ok(stdout.includes(`written: ${htmlPath}`), stdout);
    const html = await readFile(htmlPath, 'utf8');
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(html.includes('id="chart-latency-distribution"'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
