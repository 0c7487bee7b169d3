#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT, SalvoError } from '../errors.js';
import { VERSION } from '../version.js';
import { capacityCommand } from './commands/capacity.js';
import { compareCommand } from './commands/compare.js';
import { coordinateCommand } from './commands/coordinate.js';
import { demoCommand } from './commands/demo.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { k8sCommand } from './commands/k8s.js';
import { mergeCommand } from './commands/merge.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { serveCommand } from './commands/serve.js';
import { sweepCommand } from './commands/sweep.js';

function buildProgram(): Command {
  const program = new Command('salvo')
    .description('load generation with honest latency: open and closed models, HDR histograms, lossless results')
    .version(VERSION);
  for (const command of [
    runCommand(),
    sweepCommand(),
    capacityCommand(),
    reportCommand(),
    mergeCommand(),
    coordinateCommand(),
    compareCommand(),
    serveCommand(),
    demoCommand(),
    k8sCommand(),
    schemaCommand(),
    initCommand(),
    importCommand(),
  ])
    program.addCommand(command);
  return program;
}

/**
 * The CLI's one mapping from an error to what the user reads and the exit code: a SalvoError says
 * both itself; anything else is a defect of salvo, one line, with a stack only with SALVO_DEBUG=1.
 */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander has printed its message already
  }
  if (error instanceof SalvoError) {
    process.stderr.write(`salvo: error: ${error.describe()}\n`);
    if (process.env.SALVO_DEBUG) console.error(error);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`salvo: internal error: ${message.split('\n')[0]}\n`);
  if (process.env.SALVO_DEBUG) console.error(error);
  return EXIT.internal;
}

/** Added commands do not inherit these settings, so every level gets them. */
function routeErrorsHere(command: Command): void {
  command.exitOverride().configureOutput({ outputError: (text, write) => write(`salvo: ${text}`) });
  command.commands.forEach(routeErrorsHere);
}

const program = buildProgram();
routeErrorsHere(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}
