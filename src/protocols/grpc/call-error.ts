/** A gRPC call that cannot be prepared: a .proto that does not load, a method it lacks, data that does not fit. One line, for the user. */
export class GrpcCallError extends Error {
  override name = 'GrpcCallError';
}
