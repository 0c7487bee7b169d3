import { causeOfGrpcStatus, NO_STATUS, type ErrorCause } from '../../metrics/causes.js';
import type { StreamDialect } from '../http2/dialect.js';
import { ABSENT, encodeHeaderBlock, type ResponseField } from '../http2/hpack.js';
import type { HeaderField } from '../http2/request.js';
import type { ReplyServiceUs } from './service-field.js';

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
  /** The reply's service-time field, read from each reply that came without a server-timing trailer (replyServiceReader). */
  replyServiceUs?: ReplyServiceUs | undefined;
}

/** grpc-status as a number; NaN when it is not a decimal number. */
const GRPC_STATUS: ResponseField = { name: 'grpc-status', parse: parseGrpcStatus };
/** Where grpc-status is among the dialect's fields. */
const GRPC_STATUS_FIELD = 0;

/**
 * gRPC unary calls over HTTP/2 (the gRPC-over-HTTP2 spec): POST with application/grpc, one framed
 * message each way, the outcome in grpc-status, which is in the trailers or, for an answer without
 * a message ("trailers-only"), in the headers. A call ending OK is a response without a status
 * code (as raw TCP's replies are); any other gRPC status is a failure named after it.
 */
export function grpcDialect(options: GrpcDialectOptions): StreamDialect {
  const { deadlineMs } = options;
  return {
    headerBlock: encodeHeaderBlock(grpcHeaders(options)),
    nextBody: options.nextMessage,
    fields: [GRPC_STATUS],
    judge: judgeGrpc,
    bodyServiceUs: options.replyServiceUs,
    deadline: deadlineMs === undefined ? undefined : { us: deadlineMs * 1000, cause: 'grpc_DEADLINE_EXCEEDED' },
  };
}

/** The request headers of every call, pseudo-headers first. */
function grpcHeaders(options: GrpcDialectOptions): HeaderField[] {
  const headers: HeaderField[] = [
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', options.path],
    [':authority', options.authority],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
    ['user-agent', options.userAgent],
  ];
  for (const [name, value] of options.metadata) headers.push([name.toLowerCase(), value]);
  if (options.deadlineMs !== undefined) headers.push(['grpc-timeout', `${options.deadlineMs}m`]);
  return headers;
}

function judgeGrpc(httpStatus: number, values: Float64Array, at: number): number | ErrorCause {
  const code = values[at + GRPC_STATUS_FIELD]!;
  if (code === ABSENT) {
    // A 200 without grpc-status is a broken gRPC answer; any other HTTP status is mapped as gRPC clients map it.
    return httpStatus === 200 ? 'protocol' : (causeOfGrpcStatus(grpcCodeOfHttpStatus(httpStatus)) ?? 'protocol');
  }
  if (Number.isNaN(code)) return 'protocol';
  return causeOfGrpcStatus(code) ?? NO_STATUS;
}

/** Decimal digits only, at most nine of them (no status code is longer); NaN otherwise. */
function parseGrpcStatus(bytes: Uint8Array, start: number, end: number): number {
  if (end === start || end - start > 9) return NaN;
  let code = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    code = code * 10 + digit;
  }
  return code;
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
