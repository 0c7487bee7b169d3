import { SalvoError, type ErrorCode } from '../errors.js';

/** A run that cannot start: a target that cannot be resolved or reached, a body file that cannot be read. */
export class SetupError extends SalvoError {
  override name = 'SetupError';
  constructor(message: string, code: ErrorCode = 'ERR_SETUP') {
    super(code, message);
  }
}
