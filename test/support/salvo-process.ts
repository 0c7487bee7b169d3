import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A `salvo` command running in its own process, its output kept. */
export interface SalvoProcess {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stdout, as soon as it is printed (readiness, not a sleep). */
  line(pattern: RegExp): Promise<RegExpExecArray>;
  /** Its exit code, once it has exited. */
  exited: Promise<number | null>;
  /** Ends it if it is still running (a failed test must not leave load going). */
  kill(): Promise<void>;
}

export function startSalvo(...args: string[]): SalvoProcess {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const wait of [...waiting]) {
      const match = wait.pattern.exec(stdout);
      if (match) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve(match);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    output: () => ({ stdout, stderr }),
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const match = pattern.exec(stdout);
        if (match) return resolve(match);
        waiting.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`salvo exited (${code}) before printing ${pattern}:\n${stdout}\n${stderr}`)));
      }),
    exited,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
