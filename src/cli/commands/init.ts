import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { CliError } from '../exit-codes.js';

export const STARTER_PLAN_FILE = 'salvo.plan.yaml';

/** The starter plan, commented field by field: the package's examples/salvo.plan.yaml, which tests run as written. */
export const STARTER_PLAN = readFileSync(new URL('../../../../examples/salvo.plan.yaml', import.meta.url), 'utf8');

export const STARTER_SCENARIO_FILE = 'scenario.ts';

/** The starter scenario: virtual users in TypeScript, the package's examples/scenario.ts. */
export const STARTER_SCENARIO = readFileSync(new URL('../../../../examples/scenario.ts', import.meta.url), 'utf8');

export function initCommand(): Command {
  return new Command('init')
    .description(`write a commented starter plan (${STARTER_PLAN_FILE}, arrivals at a rate) and a starter scenario (${STARTER_SCENARIO_FILE}, virtual users), which run as-is against salvo serve http`)
    .option('--dir <dir>', 'where to write them', '.')
    .action((flags: { dir: string }) => {
      const files = [
        { path: join(flags.dir, STARTER_PLAN_FILE), text: STARTER_PLAN },
        { path: join(flags.dir, STARTER_SCENARIO_FILE), text: STARTER_SCENARIO },
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
          throw new CliError(code === 'EEXIST' ? `${path} already exists: remove it or choose another --dir` : `cannot write ${path}: ${code ?? (error as Error).message}`);
        }
        process.stdout.write(`wrote ${path}\n`);
      }
      const [plan, scenario] = files.map(({ path }) => path);
      process.stdout.write(`start a target with: salvo serve http\nthen run: salvo run ${plan}     (requests arriving at a rate)\n      or: salvo run ${scenario}  (virtual users)\n`);
    });
}
