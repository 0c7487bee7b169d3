import { connect } from 'node:net';
import type { Clock } from '../../time/clock.js';
import type { SocketFactory } from '../socket-opener.js';
import { SocketPool } from '../socket-pool.js';
import type { ExchangeListener } from '../transport.js';
import { ResponseParser } from './response-parser.js';

export interface Http1PoolOptions {
  /** An address already resolved, so no request waits on DNS. */
  host: string;
  port: number;
  /** The complete request, written as is for every send. */
  request: Buffer;
  headRequests: boolean;
  /** Requests in flight per connection; 1 is plain keep-alive. */
  pipelining: number;
  maxConnections: number;
  clock: Clock;
  listener: ExchangeListener;
  /** How a socket is made; plain TCP to host:port when unset (HTTPS passes a TLS factory). */
  connect?: SocketFactory;
}

/** A plain TCP socket to host:port with Nagle off (requests are small and latency is what is measured). */
export function tcpSocketFactory(host: string, port: number): SocketFactory {
  return (onread) => connect({ host, port, noDelay: true, onread });
}

/** HTTP/1.1 over raw sockets: prebuilt request bytes out, a lean parser in, nothing allocated per request. */
export class Http1Pool extends SocketPool {
  constructor(options: Http1PoolOptions) {
    super({
      connect: options.connect ?? tcpSocketFactory(options.host, options.port),
      reader: (onReply) => new ResponseParser(onReply, options.headRequests),
      request: options.request,
      pipelining: options.pipelining,
      maxConnections: options.maxConnections,
      clock: options.clock,
      listener: options.listener,
    });
  }
}
