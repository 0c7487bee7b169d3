import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOC = fileURLToPath(new URL('../../../docs/adaptive-load.md', import.meta.url));
const PACKAGE_ENTRY = fileURLToPath(new URL('../../src/index.js', import.meta.url));

/** The code block that follows `<!-- example: name ... -->` in the document. */
function exampleOf(markdown: string, name: string): string {
  const match = new RegExp(`<!-- example: ${name}\\b[^>]*-->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  assert.ok(match, `no example "${name}" in ${DOC}`);
  return match[1]!;
}

test('docs/adaptive-load.md: the holdThroughput example runs as written and holds its setpoint', () => {
  const code = exampleOf(readFileSync(DOC, 'utf8'), 'hold-throughput').replace("from 'salvo'", `from ${JSON.stringify(PACKAGE_ENTRY)}`);
  const dir = mkdtempSync(join(tmpdir(), 'salvo-example-'));
  try {
    writeFileSync(join(dir, 'example.mjs'), code);
    const output = execFileSync(process.execPath, [join(dir, 'example.mjs')], { encoding: 'utf8', timeout: 30_000 });
    const match = /^(\d+) calls; last tick (\d+)\/s with ([\d.]+) in flight; settled at ([\d.]+|null) ms$/.exec(output.trim());
    assert.ok(match, `unexpected output: ${output}`);
    // 4 s at 200/s; the first ticks climb, and a busy machine stretches the sleeps: generous margins.
    const completed = Number(match[1]);
    assert.ok(completed > 500 && completed < 900, `${completed} calls`);
    // Little's law: 200/s × 10 ms is 2 in flight; one tick's dial moves with that tick's counting noise.
    assert.ok(Number(match[3]) >= 1.8, `about two in flight for 10 ms calls at 200/s, not ${match[3]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
