import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { importLocustConfig } from '../../import/index.js';
import { loadScenarioModule } from '../../scenario/load-scenario.js';
import { CliError } from '../exit-codes.js';
import { parseWholeMs } from '../units.js';

interface ImportFlags {
  tasks: string;
  out?: string;
  target?: string;
  runTime?: number;
}

export function importCommand(): Command {
  return new Command('import')
    .description('turn a Locust load config in protobuf text format (load.pbtxt: phases of users, hatch rates, user types) into a plan of virtual users')
    .argument('<config>', 'the load config: phases { duration num_users hatch_rate_per_s user_types { name ratio min_wait_ms max_wait_ms } }')
    .requiredOption('--tasks <scenario>', 'the TypeScript scenario whose user types the config names (scenario.ts)')
    .option('-o, --out <file>', 'write the plan to this file instead of stdout')
    .option('--target <url>', "send to this URL (default: the scenario's plan.target)")
    .option(
      '--run-time <duration>',
      "repeat the phases until this much time has passed, as the wrapper's --run_time (e.g. 10m); a phase begun runs to its end",
      parseWholeMs,
    )
    .action(async (config: string, flags: ImportFlags) => {
      let configText: string;
      try {
        configText = readFileSync(config, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${config}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (!existsSync(flags.tasks)) throw new CliError(`no scenario file ${flags.tasks}`);
      const definition = await loadScenarioModule(flags.tasks);
      const { yaml } = importLocustConfig({
        configFile: config,
        configText,
        scenarioFile: flags.tasks,
        definition,
        ...(flags.target !== undefined ? { target: flags.target } : {}),
        ...(flags.runTime !== undefined ? { runTimeMs: flags.runTime } : {}),
        ...(flags.out !== undefined ? { planFile: flags.out } : {}),
      });
      if (flags.out === undefined) {
        process.stdout.write(yaml);
        return;
      }
      try {
        writeFileSync(flags.out, yaml);
      } catch (error) {
        throw new CliError(`cannot write ${flags.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      process.stdout.write(`wrote ${flags.out}\nrun it with: salvo run ${flags.out}\n`);
    });
}
