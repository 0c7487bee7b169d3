import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI and waits for it. */
export const salvo = (...args: string[]): CliOutcome => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });

/** Runs the built CLI without blocking, so several runs can go side by side. */
export const salvoAsync = (...args: string[]): Promise<CliOutcome> =>
  new Promise((resolve) => {
    const child = execFile(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 }, (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
  });

/** One line on stderr, exit 2, no stack trace. */
export function assertUsageError(args: string[], pattern: RegExp): void {
  const { status, stderr } = salvo(...args);
  assert.equal(status, 2, `exit code for ${args.join(' ')}: ${stderr}`);
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

/** Runs the built CLI from another working directory. */
export const salvoIn = (cwd: string, ...args: string[]): CliOutcome => spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
