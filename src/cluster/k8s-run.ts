import { spawn } from 'node:child_process';
import type { RunResult } from '../result/types.js';
import { RESULT_LINE_PREFIX } from './coordinator.js';
import { manifestsYaml } from './k8s-manifests.js';
import { coordinatorName } from './k8s-names.js';
import { SalvoError, type SalvoErrorOptions } from '../errors.js';

/** How a command ended; `missing` when it could not be started at all (not installed). */
export interface CommandOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
  missing?: boolean;
}

/** The seam to kubectl: the real one spawns it, tests script its answers. */
export interface CommandRunner {
  /** Runs kubectl with `args` to its end, `input` on its stdin. */
  run(args: readonly string[], input?: string): Promise<CommandOutcome>;
  /** The same, telling each line of its stdout as it comes. */
  follow(args: readonly string[], onLine: (line: string) => void): Promise<CommandOutcome>;
}

/** Why `salvo k8s run` could not get a result, in one line. */
export class K8sRunError extends SalvoError {
  override name = 'K8sRunError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_K8S', message, options);
  }
}

export interface K8sRunOptions {
  name: string;
  namespace?: string;
  kubectl: CommandRunner;
  /** How long to wait for the coordinator's pod to run (scheduling and image pull), seconds. */
  podStartTimeoutS: number;
  /** Told each line of progress: what kubectl applied, then the coordinator's log. */
  onLine: (line: string) => void;
}

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

/**
 * Applies the manifests, follows the coordinator's log (shards joining, the merged summary) and
 * returns the merged result it prints. The objects stay, for `kubectl logs`; delete them by label.
 */
export async function runOnKubernetes(manifests: readonly unknown[], options: K8sRunOptions): Promise<RunResult> {
  const { kubectl } = options;
  const namespace = options.namespace ? ['--namespace', options.namespace] : [];
  const context = await kubectl.run(['config', 'current-context']);
  if (context.missing) throw new K8sRunError('kubectl is not installed (not found on PATH)');
  if (context.status !== 0) throw new K8sRunError(`kubectl has no cluster configured (no current context): ${lastLine(context.stderr)}`);
  const applied = await kubectl.run([...namespace, 'apply', '--request-timeout=30s', '-f', '-'], manifestsYaml(manifests));
  if (applied.status !== 0) throw new K8sRunError(`kubectl apply failed: ${lastLine(applied.stderr)}`);
  for (const line of applied.stdout.trim().split('\n')) options.onLine(line);
  let resultLine: string | undefined;
  const job = `job/${coordinatorName(options.name)}`;
  const followed = await kubectl.follow([...namespace, 'logs', '-f', job, `--pod-running-timeout=${options.podStartTimeoutS}s`], (line) => {
    if (line.startsWith(RESULT_LINE_PREFIX)) resultLine = line;
    else options.onLine(line);
  });
  if (resultLine === undefined) {
    const why = lastLine(followed.stderr) || `it exited with ${followed.status}`;
    throw new K8sRunError(`the coordinator ended without a merged result (${why}): see kubectl ${[...namespace, 'logs', job].join(' ')}`);
  }
  try {
    return JSON.parse(resultLine.slice(RESULT_LINE_PREFIX.length)) as RunResult;
  } catch {
    throw new K8sRunError(`the coordinator's result line is not JSON: see kubectl ${[...namespace, 'logs', job].join(' ')}`);
  }
}

/** kubectl on PATH. */
export const kubectlRunner: CommandRunner = {
  run: (args, input) => spawnKubectl(args, input, undefined),
  follow: (args, onLine) => spawnKubectl(args, undefined, onLine),
};

function spawnKubectl(args: readonly string[], input: string | undefined, onLine: ((line: string) => void) | undefined): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!onLine) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ status: null, stdout, stderr: error.message, missing: error.code === 'ENOENT' }));
    child.on('close', (status) => {
      if (onLine && pending !== '') onLine(pending);
      resolve({ status, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // a kubectl that exits early closes its stdin: its status says why
    child.stdin.end(input);
  });
}
