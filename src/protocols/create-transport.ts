import type { Plan } from '../plan/schema.js';
import type { ResolvedTarget } from './resolved-target.js';
import type { Clock } from '../time/clock.js';
import { Http1Pool, tcpSocketFactory } from './http1/pool.js';
import { buildRequest, USER_AGENT } from './http1/request.js';
import { grpcDialect } from './grpc/dialect.js';
import { httpDialect } from './http2/dialect.js';
import { Http2Pool } from './http2/pool.js';
import { encodeHeaderBlock } from './http2/hpack.js';
import { buildHttp2Headers } from './http2/request.js';
import { SocketPool } from './socket-pool.js';
import { decodeEscapes } from '../plan/escapes.js';
import { DelimitedReplyReader, FixedSizeReplyReader } from './tcp/reply-reader.js';
import { tlsSocketFactory } from './tls/socket-factory.js';
import type { ExchangeListener, Transport } from './transport.js';
import { UserConnections } from './http1/user-connections.js';
import type { SocketFactory } from './socket-opener.js';

export interface TransportContext {
  clock: Clock;
  listener: ExchangeListener;
  /** Requests written on a connection before the first reply is read (max-throughput's pipelining); 1 if not given. */
  pipelining?: number;
}

/** Streams per HTTP/2 connection when the plan gives none: nghttp2's and most servers' default limit. */
export const DEFAULT_HTTP2_STREAMS = 100;

/** The transport for a plan's target, by URL scheme: http:// and https:// (HTTP/1.1), h2c:// and https:// with http2 (HTTP/2), grpc:// (gRPC on the same HTTP/2 client), tcp:// (raw request/reply). */
export function createTransport(plan: Plan, target: ResolvedTarget, { clock, listener, pipelining = 1 }: TransportContext): Transport {
  const scheme = new URL(plan.target.url).protocol;
  const common = { pipelining, maxConnections: plan.connections, clock, listener };
  const plainSocket = tcpSocketFactory(target.address, target.port);
  if (scheme === 'grpc:') {
    return new Http2Pool({
      connect: plainSocket,
      dialect: grpcDialect({
        authority: new URL(plan.target.url).host,
        path: target.grpc!.path,
        metadata: plan.target.metadata ?? [],
        deadlineMs: plan.target.deadlineMs,
        nextMessage: target.grpc!.nextMessage,
        userAgent: USER_AGENT,
        replyServiceUs: target.grpc!.replyServiceUs,
      }),
      streams: plan.target.streams ?? DEFAULT_HTTP2_STREAMS,
      maxConnections: plan.connections,
      clock,
      listener,
    });
  }
  if (scheme === 'h2c:' || (scheme === 'https:' && plan.target.http2 === true)) {
    const headers = buildHttp2Headers(new URL(plan.target.url), plan.target.method, plan.target.headers, target.body, USER_AGENT);
    return new Http2Pool({
      connect: scheme === 'h2c:' ? plainSocket : http2TlsSocketFactory(plan, target),
      dialect: httpDialect(encodeHeaderBlock(headers), target.body),
      streams: plan.target.streams ?? DEFAULT_HTTP2_STREAMS,
      maxConnections: plan.connections,
      clock,
      listener,
    });
  }
  switch (scheme) {
    case 'http:':
    case 'https:':
      return new Http1Pool({
        ...common,
        host: target.address,
        port: target.port,
        request: buildRequest(plan.target, target.body),
        headRequests: plan.target.method === 'HEAD',
        connect: http1SocketFactory(plan, target),
      });
    case 'tcp:': {
      const { expectDelimiter, expectBytes } = plan.target;
      const delimiter = expectDelimiter === undefined ? undefined : decodeEscapes(expectDelimiter);
      return new SocketPool({
        ...common,
        connect: plainSocket,
        request: target.body ?? Buffer.alloc(0),
        reader: (onReply) => (delimiter !== undefined ? new DelimitedReplyReader(onReply, delimiter) : new FixedSizeReplyReader(onReply, expectBytes ?? 1)),
      });
    }
    default:
      throw new RangeError(`no transport for ${scheme}// (the plan schema should have refused it)`);
  }
}

/** TLS sockets to the target offering these ALPN protocols. */
function tlsSocketTo(plan: Plan, target: ResolvedTarget, alpn: string[]): SocketFactory {
  return tlsSocketFactory({
    host: target.address,
    port: target.port,
    serverName: target.hostname,
    insecure: plan.target.insecure === true,
    ca: target.ca,
    alpn,
  });
}

/** Sockets for HTTP/1.1: plain TCP for http://, TLS offering only http/1.1 for https://. */
function http1SocketFactory(plan: Plan, target: ResolvedTarget): SocketFactory {
  return new URL(plan.target.url).protocol === 'http:' ? tcpSocketFactory(target.address, target.port) : tlsSocketTo(plan, target, ['http/1.1']);
}

/** Sockets for HTTP/2 over TLS: ALPN h2. */
function http2TlsSocketFactory(plan: Plan, target: ResolvedTarget): SocketFactory {
  return tlsSocketTo(plan, target, ['h2']);
}

/** Virtual users' connections (HTTP/1.1, one per user) to the plan's target. */
export function createUserConnections(plan: Plan, target: ResolvedTarget, { clock, listener }: TransportContext): UserConnections {
  return new UserConnections(http1SocketFactory(plan, target), clock, listener);
}
