/** gRPC's status codes 1 to 16 by their names in the gRPC spec (0 is OK): the index + 1 is the code. */
const GRPC_STATUS_NAMES = [
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** A gRPC call that ended with a status other than OK, named as grpc-status names it: grpc_UNAVAILABLE. */
export type GrpcCause = `grpc_${(typeof GRPC_STATUS_NAMES)[number]}`;

const GRPC_CAUSES = GRPC_STATUS_NAMES.map((name): GrpcCause => `grpc_${name}`);

/**
 * Why a request did not succeed, as stable codes that results count by name (undici's idea of
 * error codes): callers switch on these, never on messages.
 */
export const ERROR_CAUSES = [
  'refused', // the target refused the connection (ECONNREFUSED)
  'reset', // the connection was reset (ECONNRESET)
  'timeout', // no complete response within the request timeout
  'closed', // the target closed the connection before the response was complete
  'socket', // any other socket error (EPIPE, EHOSTUNREACH, DNS, ...)
  'tls', // the TLS handshake or record layer failed: an untrusted or mismatched certificate, no common cipher, not TLS
  'protocol', // the response was not valid HTTP (or gRPC: no grpc-status)
  'goaway', // HTTP/2: the server sent GOAWAY before processing the stream (its id was above the last one it took), or went away with an error code
  'rst_stream', // HTTP/2: the server reset the stream (RST_STREAM) instead of answering it
  'http4xx', // the target answered with a 4xx status
  'http5xx', // the target answered with a 5xx status
  ...GRPC_CAUSES, // gRPC: the call ended with this status (a deadline passed on our side counts as grpc_DEADLINE_EXCEEDED)
  'dropped', // never sent: the queue was full or its batch started too late
] as const;

export type ErrorCause = (typeof ERROR_CAUSES)[number];

export const CAUSE_INDEX: Readonly<Record<ErrorCause, number>> = Object.fromEntries(ERROR_CAUSES.map((cause, index) => [cause, index])) as Record<
  ErrorCause,
  number
>;

/**
 * OpenSSL's certificate verification failures as node names them (X509_V_ERR_* without the prefix):
 * they carry no ERR_SSL_/ERR_TLS_ prefix, so they are listed.
 */
const CERTIFICATE_ERROR = /CERT|CRL|ISSUER|SELF_SIGNED|LEAF_SIGNATURE|HOSTNAME_MISMATCH|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE/;

/** Maps a Node socket error to its cause. */
export function causeOfSocketError(error: NodeJS.ErrnoException): ErrorCause {
  const code = error.code ?? '';
  // node reports OpenSSL's record-layer failures (a peer that does not speak TLS) as EPROTO.
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO' || CERTIFICATE_ERROR.test(code)) {
    return 'tls';
  }
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'socket';
  }
}

/** The status of a reply in a protocol that has none (raw TCP): completed, and counted in no status code. */
export const NO_STATUS = 0;

/** The cause of a gRPC status code; undefined for OK, UNKNOWN for a code the spec does not define. */
export function causeOfGrpcStatus(code: number): GrpcCause | undefined {
  if (code === 0) return undefined;
  return GRPC_CAUSES[code - 1] ?? 'grpc_UNKNOWN';
}

export function causeOfStatus(status: number): ErrorCause | undefined {
  if (status >= 500) return 'http5xx';
  if (status >= 400) return 'http4xx';
  return undefined;
}

/** Counts by cause with zero counts left out, in the fixed order above. */
export function countsByCause(counts: ArrayLike<number>): Partial<Record<ErrorCause, number>> {
  const result: Partial<Record<ErrorCause, number>> = {};
  ERROR_CAUSES.forEach((cause, index) => {
    const count = counts[index] ?? 0;
    if (count > 0) result[cause] = count;
  });
  return result;
}
