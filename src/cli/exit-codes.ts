import { EXIT, SalvoError, type ErrorCode } from '../errors.js';

export { EXIT };

/** A mistake in the command line (flags that do not go together, a file a flag names), with its exit code. */
export class CliError extends SalvoError {
  override name = 'CliError';
  constructor(message: string, exitCode: number = EXIT.usage, code: ErrorCode = 'ERR_USAGE') {
    super(code, message, { exitCode });
  }
}
