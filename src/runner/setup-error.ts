/** A run that cannot start: a target that cannot be resolved or reached, a body file that cannot be read. */
export class SetupError extends Error {
  override name = 'SetupError';
}
