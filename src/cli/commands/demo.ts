import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { validatePlan } from '../../plan/index.js';
import { renderSummary } from '../../report/terminal-summary.js';
import { run } from '../../runner/index.js';
import { CliError } from '../exit-codes.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** Starts `salvo serve http --port 0` in its own process, so target and generator do not share a thread. */
async function startTargetProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [MAIN, 'serve', 'http', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new CliError(`the built-in target exited (code ${code}) before it listened`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('start the built-in target and run a 5 s Poisson load of 1,000 req/s against it')
    .action(async () => {
      const target = await startTargetProcess();
      try {
        process.stdout.write(`demo: built-in target at ${target.url}\n`);
        process.stdout.write(`demo: salvo run ${target.url} --rate 1k --duration 5s --arrival poisson\n\n`);
        const plan = validatePlan({
          target: { url: target.url },
          executor: { type: 'poisson-arrival-rate', ratePerSec: 1000, durationMs: 5000, seed: 1 },
        });
        const result = await run(plan);
        process.stdout.write(`${renderSummary(result).join('\n')}\n`);
      } finally {
        await target.stop();
      }
    });
}
