import { Command } from 'commander';
import { validatePlan } from '../../plan/index.js';
import { renderSummary } from '../../report/terminal-summary.js';
import { run } from '../../runner/index.js';
import { startTargetProcess } from '../../targets/target-process.js';

export function demoCommand(): Command {
  return new Command('demo').description('start the built-in target and run a 5 s Poisson load of 1,000 req/s against it').action(async () => {
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
