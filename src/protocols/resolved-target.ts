import type { ReplyServiceUs } from './grpc/service-field.js';

/** A plan's target made ready before the run: looked up, its files read, so that no request waits on either. */
export interface ResolvedTarget {
  /** The address to connect to, looked up once so no request waits on DNS. */
  address: string;
  port: number;
  body: Buffer | undefined;
  /** The URL's host name, for TLS (SNI and the certificate check). */
  hostname: string;
  /** https: the CA certificates read from `caFile`. */
  ca?: Buffer;
  /** grpc: the method's :path, each call's framed request message (from the .proto and the data) and the reply's service-time field. */
  grpc?: GrpcCall;
}

export interface GrpcCall {
  path: string;
  nextMessage(): Buffer;
  /** Reads a reply's serviceMs field; undefined when the reply type has none. */
  replyServiceUs?: ReplyServiceUs | undefined;
}
