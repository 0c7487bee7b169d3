import { existsSync, readFileSync } from 'node:fs';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { withPathsFromFile } from './paths.js';
import { SalvoError } from '../errors.js';
import type { Plan } from './schema.js';
import { PlanError, validatePlan } from './validate.js';

const PLAN_FILE = /\.(ya?ml|json)$/i;

/**
 * A plan file that could not be read, parsed or validated. `problems` holds every problem, each as
 * "path: message"; a syntax error is one problem that already names the file, line and column.
 */
export class PlanFileError extends SalvoError {
  override name = 'PlanFileError';
  constructor(
    readonly file: string,
    readonly problems: string[],
    readonly kind: 'unreadable' | 'syntax' | 'invalid',
  ) {
    super(
      kind === 'unreadable' ? 'ERR_PLAN_UNREADABLE' : 'ERR_PLAN_INVALID',
      kind === 'invalid' ? `invalid plan ${file}: ${problems.join('; ')}` : problems[0]!,
    );
  }

  /** A file can hold many mistakes: one line each reads better than one long line; one mistake is one line. */
  override describe(): string {
    return this.kind === 'invalid' && this.problems.length > 1
      ? `invalid plan ${this.file}:\n${this.problems.map((problem) => `  ${problem}`).join('\n')}`
      : this.message;
  }
}

/** `salvo run`'s argument names a plan file when it ends in .yaml, .yml or .json and the file exists; anything else is a URL. */
export function isPlanFile(argument: string): boolean {
  return PLAN_FILE.test(argument) && existsSync(argument);
}

/** `salvo run`'s argument names a TypeScript (or JavaScript) scenario file when it ends so and exists. */
export function isScenarioFile(argument: string): boolean {
  return /\.(m?ts|m?js)$/i.test(argument) && existsSync(argument);
}

/** The file's data, not yet validated: YAML (.yaml, .yml) or JSON (.json); the files it names made absolute against its directory. */
export function readPlanFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PlanFileError(file, [`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`], 'unreadable');
  }
  if (text.trim() === '') throw new PlanFileError(file, [`${file}: the file is empty`], 'syntax');
  return withPathsFromFile(/\.json$/i.test(file) ? parseJson(file, text) : parseYamlText(file, text), file);
}

/** Reads and validates a plan file; every problem is reported with its path. */
export function loadPlanFile(file: string): Plan {
  return validatePlanFile(file, readPlanFile(file));
}

/** Validates data read from `file`, so that its problems name the file. */
export function validatePlanFile(file: string, data: unknown): Plan {
  try {
    return validatePlan(data);
  } catch (error) {
    if (error instanceof PlanError) throw new PlanFileError(file, error.problems, 'invalid');
    throw error;
  }
}

function parseYamlText(file: string, text: string): unknown {
  try {
    // yaml reports duplicate keys and several documents in one file as errors too.
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    // yaml refuses an alias bomb (aliases that expand without bound) with a ReferenceError of its own.
    if (!(error instanceof YAMLParseError))
      throw new PlanFileError(file, [`${file}: YAML cannot be read: ${(error as Error).message.split('\n')[0]}`], 'syntax');
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const at = error.linePos?.[0];
    throw new PlanFileError(file, [`${file}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax error: ${reason}`], 'syntax');
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const reason = error.message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, '');
    const at = jsonPosition(text, error.message);
    throw new PlanFileError(file, [`${file}${at ? `:${at.line}:${at.col}` : ''}: JSON syntax error: ${reason}`], 'syntax');
  }
}

/** Where JSON.parse stopped: from "at position N" when V8 says it, else from yaml, which reads JSON too and always gives a line. */
function jsonPosition(text: string, message: string): { line: number; col: number } | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const lines = before.split('\n');
    return { line: lines.length, col: lines.at(-1)!.length + 1 };
  }
  try {
    parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError && error.linePos) return error.linePos[0];
  }
  return undefined;
}
