/**
 * The one error type a user sees. Every mistake in the input and every run that cannot start is a
 * SalvoError: its `code` is stable (scripts and tests match on it, never on the wording), `exitCode`
 * is what the CLI ends with and `hint`, when there is one, says what to do about it. This module sits
 * at the bottom of the layers: it imports nothing of salvo, so every layer can throw one.
 */

/** Exit codes are decided here and nowhere else. */
export const EXIT = {
  ok: 0,
  internal: 1,
  /** Bad input or a run that cannot start: bad flag, unit, URL, unreachable target, unwritable output. */
  usage: 2,
  /** A threshold failed (salvo run) or a regression gate held (salvo compare --fail-if), as in k6. */
  thresholds: 99,
  interruptedBySigint: 130,
  interruptedBySigterm: 143,
} as const;

export type ErrorCode =
  | 'ERR_USAGE'
  | 'ERR_PLAN_INVALID'
  | 'ERR_PLAN_UNREADABLE'
  | 'ERR_TEMPLATE'
  | 'ERR_ESCAPE'
  | 'ERR_THRESHOLD_SYNTAX'
  | 'ERR_CONDITION_SYNTAX'
  | 'ERR_SHARD_SYNTAX'
  | 'ERR_START_AT'
  | 'ERR_RATE_TOO_HIGH'
  | 'ERR_SCENARIO_INVALID'
  | 'ERR_DATA_FILE'
  | 'ERR_IMPORT'
  | 'ERR_SETUP'
  | 'ERR_HOST_UNRESOLVED'
  | 'ERR_TARGET_UNREACHABLE'
  | 'ERR_PROTOCOL_MISMATCH'
  | 'ERR_FILE_UNREADABLE'
  | 'ERR_OUTPUT_UNWRITABLE'
  | 'ERR_GRPC_CALL'
  | 'ERR_PORT_IN_USE'
  | 'ERR_LISTEN'
  | 'ERR_STATE_FILE'
  | 'ERR_RESULT_UNREADABLE'
  | 'ERR_RESULT_DAMAGED'
  | 'ERR_MERGE'
  | 'ERR_MERGE_SAME_RUN'
  | 'ERR_COORDINATOR'
  | 'ERR_K8S'
  | 'ERR_SWEEP_INVALID';

export interface SalvoErrorOptions {
  exitCode?: number;
  hint?: string;
  cause?: unknown;
}

export class SalvoError extends Error {
  override name = 'SalvoError';
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: SalvoErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.hint = options.hint;
  }

  /** What the CLI prints after "salvo: error: ": one line unless the error holds a list worth a line each. */
  describe(): string {
    return this.hint === undefined ? this.message : `${this.message} (${this.hint})`;
  }
}

/** The short reason of a failed system call ("ENOENT"), or the first line of any other error. */
export function reasonOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
