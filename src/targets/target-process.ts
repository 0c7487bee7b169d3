import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface TargetProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `salvo serve <kind> --port 0 [args]` in its own process, so target and generator never share a thread. */
export async function startTargetProcess(kind = 'http', args: readonly string[] = []): Promise<TargetProcess> {
  // The IPC channel ties the target's life to ours: if we die without stopping it, it exits too.
  const child = spawn(process.execPath, [MAIN, 'serve', kind, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (\S+)\n/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the built-in ${kind} target exited (code ${code}) before it listened`)));
  });
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
