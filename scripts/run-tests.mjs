// Runs every compiled test file with node's own runner. Node 20 takes no globs and
// Node 22 no directories, so the file list is built here for both. The timeout only ends a hung file:
// generous, since a machine busy with other work runs a whole file many times slower.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = 'dist/test';
const only = process.argv.slice(2);
const files = readdirSync(root, { recursive: true })
  .map((entry) => join(root, String(entry)))
  .filter((file) => file.endsWith('.test.js'))
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${root}`);
  process.exit(1);
}
// A file's tests share this limit: the sweep study (test/e2e/sweep-study.test.ts) sends 2.5 minutes of load, and
// a busy machine may take several times that.
const { status } = spawnSync(process.execPath, ['--test', '--test-timeout=900000', ...files], { stdio: 'inherit' });
process.exit(status ?? 1);
