import { SalvoError, type SalvoErrorOptions } from '../../errors.js';

/** A gRPC call that cannot be prepared: a .proto that does not load, a method it lacks, data that does not fit. One line, for the user. */
export class GrpcCallError extends SalvoError {
  override name = 'GrpcCallError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_GRPC_CALL', message, options);
  }
}
