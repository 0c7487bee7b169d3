import type { ErrorCause } from '../../metrics/causes.js';
import type { ResponseField } from './hpack.js';

/**
 * What every stream of an HTTP/2 pool sends and how its answer is judged: plain HTTP, or a protocol
 * on top of HTTP/2 such as gRPC, whose outcome is in the trailers.
 */
export interface StreamDialect {
  /** The request's header block, encoded once (encodeHeaderBlock): only the stream id differs per stream. */
  readonly headerBlock: Buffer;
  /** The next stream's body; undefined sends the headers alone. */
  nextBody(): Buffer | undefined;
  /** Response fields `judge` reads besides :status, wherever they come (headers or trailers). */
  readonly fields: readonly ResponseField[];
  /**
   * A stream the server ended cleanly: the status to report as a response, or why it failed.
   * `values[at + i]` is the value of `fields[i]`, ABSENT when the answer did not carry it.
   */
  judge(status: number, values: Float64Array, at: number): number | ErrorCause;
  /**
   * The service time (µs) the answer's body carries, read when its headers and trailers carried no
   * Server-Timing: `bytes[start, end)` is the whole body (gRPC: the framed reply). Undefined: bodies are not read.
   */
  readonly bodyServiceUs?: ((bytes: Buffer, start: number, end: number) => number) | undefined;
  /** Streams older than this fail with `cause` when the run's timeout has not failed them first (gRPC's deadline). */
  readonly deadline?: { us: number; cause: ErrorCause } | undefined;
}

/** Plain HTTP: the same request on every stream, answered by its :status. */
export function httpDialect(headerBlock: Buffer, body: Buffer | undefined): StreamDialect {
  return { headerBlock, nextBody: () => body, fields: [], judge: (status) => status };
}
