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

/** An error whose one-line message is for the user, with the exit code it ends the process with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
