import type { Command } from 'commander';
import { RESULT_WRITERS } from '../report/writers.js';
import type { RunResult } from '../result/types.js';
import { assertWritable } from '../result/io.js';

/** Adds one option per result writer to `command`. */
export function addWriterOptions(command: Command): Command {
  for (const writer of RESULT_WRITERS) command.option(writer.flags, writer.description);
  return command;
}

/** The writers the user asked for, with their paths, checked writable before any work starts. */
export function requestedWriters(flags: Record<string, unknown>): { key: string; path: string; write: (result: RunResult) => Promise<void> }[] {
  return RESULT_WRITERS.filter((writer) => typeof flags[writer.key] === 'string').map((writer) => {
    const path = flags[writer.key] as string;
    const flag = writer.flags.split(/[ ,]+/).find((part) => part.startsWith('--'))!;
    assertWritable(path, flag);
    return { key: writer.key, path, write: (result: RunResult) => writer.write(result, path) };
  });
}
