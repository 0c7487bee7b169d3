import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { CliError } from '../exit-codes.js';

export const STARTER_PLAN_FILE = 'salvo.plan.yaml';

export const STARTER_SCENARIO_FILE = 'scenario.ts';

/** One of the package's examples, read when init runs: every other command must start without them. */
function example(name: string): string {
  const url = new URL(`../../../../examples/${name}`, import.meta.url);
  try {
    return readFileSync(url, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read the starter ${name} from this installation (${url.pathname}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** The starter plan, commented field by field: the package's examples/salvo.plan.yaml, which tests run as written. */
export const starterPlan = (): string => example(STARTER_PLAN_FILE);

/** The starter scenario: virtual users in TypeScript, the package's examples/scenario.ts. */
export const starterScenario = (): string => example(STARTER_SCENARIO_FILE);

export function initCommand(): Command {
  return new Command('init')
    .description(
      `write a commented starter plan (${STARTER_PLAN_FILE}, arrivals at a rate) and a starter scenario (${STARTER_SCENARIO_FILE}, virtual users), which run as-is against salvo serve http`,
    )
    .option('--dir <dir>', 'where to write them', '.')
    .action((flags: { dir: string }) => {
      const files = [
        { path: join(flags.dir, STARTER_PLAN_FILE), text: starterPlan() },
        { path: join(flags.dir, STARTER_SCENARIO_FILE), text: starterScenario() },
      ];
      // Checked before writing either, so that init writes both or nothing.
      const existing = files.find(({ path }) => existsSync(path));
      if (existing) throw new CliError(`${existing.path} already exists: remove it or choose another --dir`);
      for (const { path, text } of files) {
        try {
          // "wx": a file someone has edited is never overwritten.
          writeFileSync(path, text, { flag: 'wx' });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new CliError(
            code === 'EEXIST' ? `${path} already exists: remove it or choose another --dir` : `cannot write ${path}: ${code ?? (error as Error).message}`,
          );
        }
        process.stdout.write(`wrote ${path}\n`);
      }
      const [plan, scenario] = files.map(({ path }) => path);
      process.stdout.write(
        `start a target with: salvo serve http\nthen run: salvo run ${plan}     (requests arriving at a rate)\n      or: salvo run ${scenario}  (virtual users)\n`,
      );
    });
}
