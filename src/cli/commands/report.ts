import { Command } from 'commander';
import { renderSummary } from '../../report/terminal-summary.js';
import { readResult } from '../../result/io.js';
import { addWriterOptions, requestedWriters } from '../writer-options.js';

export function reportCommand(): Command {
  const command = new Command('report')
    .description('print the summary of a result file and write it in other forms')
    .argument('<result>', 'a result written by salvo run --out');
  return addWriterOptions(command).action(async (path: string, flags: Record<string, unknown>) => {
    const writers = requestedWriters(flags);
    const result = await readResult(path);
    for (const writer of writers) await writer.write(result);
    process.stdout.write(`${renderSummary(result).join('\n')}\n`);
    for (const writer of writers) process.stdout.write(`  written: ${writer.path}\n`);
  });
}
