import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** Only a safety net against a hung child: generous, since a busy machine slows every process down. */
const CHILD_TIMEOUT_MS = 600_000;

export interface CliOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI and waits for it. */
export const salvo = (...args: string[]): CliOutcome => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });

/** Runs the built CLI without blocking, so several runs can go side by side. */
export const salvoAsync = (...args: string[]): Promise<CliOutcome> =>
  new Promise((resolve) => {
    const child = execFile(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS }, (_error, stdout, stderr) =>
      resolve({ status: child.exitCode, stdout, stderr }),
    );
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
export const salvoIn = (cwd: string, ...args: string[]): CliOutcome =>
  spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });

/**
 * How long one salvo process takes to start on this machine right now (its --version, timed): tests
 * that start processes together size their margins from it instead of assuming an idle machine.
 */
export function processStartMs(): number {
  const startedMs = performance.now();
  const { status } = spawnSync(process.execPath, [MAIN, '--version'], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  assert.equal(status, 0, 'salvo --version');
  return performance.now() - startedMs;
}
