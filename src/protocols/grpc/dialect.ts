import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { causeOfGrpcStatus, NO_STATUS, type ErrorCause } from '../../metrics/causes.js';
import type { StreamDialect } from './pool.js';

export interface GrpcDialectOptions {
  /** The URL's host:port, for :authority. */
  authority: string;
  /** /package.Service/Method. */
  path: string;
  /** Custom metadata, names lower-cased as HTTP/2 requires. */
  metadata: readonly (readonly [string, string])[];
  /** Sent as grpc-timeout; a call still unanswered after it fails as grpc_DEADLINE_EXCEEDED. */
  deadlineMs: number | undefined;
  nextMessage(): Buffer;
  userAgent: string;
}

/**
 * gRPC unary calls over HTTP/2 (the gRPC-over-HTTP2 spec): POST with application/grpc, one framed
 * message each way, the outcome in grpc-status, which is in the trailers or, for an answer without
 * a message ("trailers-only"), in the headers. A call ending OK is a response without a status
 * code (as raw TCP's replies are); any other gRPC status is a failure named after it.
 */
export function grpcDialect(options: GrpcDialectOptions): StreamDialect {
  const headers: OutgoingHttpHeaders = {
    ':method': 'POST',
    ':scheme': 'http',
    ':path': options.path,
    ':authority': options.authority,
    'content-type': 'application/grpc',
    te: 'trailers',
    'user-agent': options.userAgent,
  };
  for (const [name, value] of options.metadata) {
    const lower = name.toLowerCase();
    const previous = headers[lower];
    headers[lower] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [String(previous), value];
  }
  const { deadlineMs } = options;
  if (deadlineMs !== undefined) headers['grpc-timeout'] = `${deadlineMs}m`;
  return {
    headers,
    nextBody: options.nextMessage,
    readsTrailers: true,
    judge: judgeGrpc,
    ...(deadlineMs !== undefined ? { deadline: { us: deadlineMs * 1000, cause: 'grpc_DEADLINE_EXCEEDED' } } : {}),
  };
}

function judgeGrpc(headers: IncomingHttpHeaders, trailers: IncomingHttpHeaders | undefined): number | ErrorCause {
  const status = trailers?.['grpc-status'] ?? headers['grpc-status'];
  if (status === undefined) {
    const httpStatus = Number(headers[':status']);
    // A 200 without grpc-status is a broken gRPC answer; any other HTTP status is mapped as gRPC clients map it.
    return httpStatus === 200 ? 'protocol' : (causeOfGrpcStatus(grpcCodeOfHttpStatus(httpStatus)) ?? 'protocol');
  }
  const code = Number(status);
  if (!Number.isInteger(code) || code < 0) return 'protocol';
  return causeOfGrpcStatus(code) ?? NO_STATUS;
}

/** The gRPC code of an HTTP status that came without grpc-status (gRPC's doc/http-grpc-status-mapping.md). */
function grpcCodeOfHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return 13; // INTERNAL
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return 2; // UNKNOWN
  }
}
