import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { SalvoError, type SalvoErrorOptions } from '../errors.js';

/** A data set as read: its rows, and whether users share them or split them. */
interface DataSet {
  rows: Record<string, unknown>[];
  mode: 'shared' | 'split';
}

/** A data file that cannot be used; the message names the file. */
export class DataFileError extends SalvoError {
  override name = 'DataFileError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_DATA_FILE', message, options);
  }
}

/** The plan's data sets, read once; each user gets every row (shared) or its share (split). */
export class DataSets {
  constructor(
    private readonly sets: Record<string, DataSet>,
    /** How many users share split data: users are numbered 1..n and user i takes rows i-1, i-1+n, ... */
    private readonly splitAmong: () => number,
  ) {}

  static empty(): DataSets {
    return new DataSets({}, () => 1);
  }

  static async read(specs: Record<string, { file: string; mode: 'shared' | 'split' }>, splitAmong: () => number): Promise<DataSets> {
    const sets: Record<string, DataSet> = {};
    for (const [name, spec] of Object.entries(specs)) sets[name] = { rows: await readRows(spec.file), mode: spec.mode };
    return new DataSets(sets, splitAmong);
  }

  shareOf(userId: number): Record<string, readonly Record<string, unknown>[]> {
    const share: Record<string, readonly Record<string, unknown>[]> = {};
    for (const [name, { rows, mode }] of Object.entries(this.sets)) {
      if (mode === 'shared') {
        share[name] = rows;
        continue;
      }
      const users = Math.max(1, this.splitAmong());
      // Users beyond the first n (spawned later to replace stopped ones) take the share of the user they follow.
      const first = (userId - 1) % users;
      share[name] = rows.filter((_, index) => index % users === first);
    }
    return share;
  }
}

async function readRows(file: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DataFileError(`cannot read data file "${file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (/\.json$/i.test(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DataFileError(`data file "${file}": ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || parsed.some((row) => row === null || typeof row !== 'object' || Array.isArray(row))) {
      throw new DataFileError(`data file "${file}" must hold a JSON array of objects`);
    }
    return parsed as Record<string, unknown>[];
  }
  if (/\.csv$/i.test(file)) {
    try {
      return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, unknown>[];
    } catch (error) {
      throw new DataFileError(`data file "${file}": ${(error as Error).message}`);
    }
  }
  throw new DataFileError(`data file "${file}" must be .csv (with a header line) or .json (an array of objects)`);
}
