import { Command } from 'commander';
import { renderSummary } from '../../report/terminal-summary.js';
import { mergeResults } from '../../result/merge.js';
import { readResult } from '../../result/io.js';
import { addWriterOptions, requestedWriters } from '../writer-options.js';

export function mergeCommand(): Command {
  const command = new Command('merge')
    .description('merge results of one plan that ran side by side (workers, machines) into one result, without averaging percentiles')
    .argument('<results...>', 'two or more results written by salvo run --out');
  return addWriterOptions(command).action(async (paths: string[], flags: Record<string, unknown>) => {
    const writers = requestedWriters(flags);
    const results = [];
    for (const path of paths) results.push(await readResult(path));
    const merged = mergeResults(results, paths);
    for (const writer of writers) await writer.write(merged);
    process.stdout.write(`merged ${paths.length} results: ${paths.join(', ')}\n${renderSummary(merged).join('\n')}\n`);
    for (const writer of writers) process.stdout.write(`  written: ${writer.path}\n`);
  });
}
