import { accessSync, constants, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SalvoError } from '../errors.js';
import { formatIssues } from '../plan/validate.js';
import { runResultSchema } from './schema.js';
import { RESULT_SCHEMA, type RunResult } from './types.js';

/** Throws a one-line SalvoError, led by `flag` when given, when `path` cannot be written, so a run fails before it starts, not after. */
export function assertWritable(path: string, flag?: string): void {
  const lead = flag === undefined ? '' : `${flag}: `;
  const full = resolve(path);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(full);
  } catch {
    stats = undefined;
  }
  if (stats?.isDirectory()) throw new SalvoError('ERR_OUTPUT_UNWRITABLE', `${lead}cannot write "${path}": it is a directory`);
  const target = stats ? full : dirname(full);
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SalvoError(
      'ERR_OUTPUT_UNWRITABLE',
      `${lead}cannot write "${path}": ${code === 'ENOENT' ? 'the directory does not exist' : (code ?? String(error))}`,
    );
  }
}

export async function writeResult(path: string, result: RunResult): Promise<void> {
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
}

export async function readResult(path: string): Promise<RunResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SalvoError('ERR_RESULT_UNREADABLE', `cannot read result "${path}": ${(error as Error).message.split('\n')[0]}`);
  }
  const schema = (parsed as { schema?: unknown } | null)?.schema;
  if (schema !== RESULT_SCHEMA)
    throw new SalvoError('ERR_RESULT_UNREADABLE', `"${path}" is not a salvo result (schema ${JSON.stringify(schema)}, expected "${RESULT_SCHEMA}")`);
  const checked = runResultSchema.safeParse(parsed);
  if (!checked.success) {
    const [first, ...more] = formatIssues(checked.error.issues);
    throw new SalvoError(
      'ERR_RESULT_DAMAGED',
      `"${path}" is damaged: ${first}${more.length > 0 ? ` (and ${more.length} more ${more.length === 1 ? 'problem' : 'problems'})` : ''}`,
    );
  }
  // The schema checks what the readers use; the rest of the file is as salvo wrote it.
  return parsed as RunResult;
}
