import { readResult } from '../result/io.js';
import type { RunResult } from '../result/types.js';
import { CliError } from './exit-codes.js';

/** Reads a result file; one that is missing, unreadable or not a salvo result is bad input (exit 2). */
export async function readResultFile(path: string): Promise<RunResult> {
  try {
    return await readResult(path);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}
