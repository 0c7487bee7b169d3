export type { Transport, ExchangeListener } from './transport.js';
export { Http1Pool, tcpSocketFactory, type Http1PoolOptions } from './http1/pool.js';
export { buildRequest } from './http1/request.js';
export { ResponseParser } from './http1/response-parser.js';
export { SocketPool, type SocketPoolOptions, type SocketFactory, type ReplyReader, type ReplyHandler } from './socket-pool.js';
export { createTransport, type TransportContext } from './create-transport.js';
export { tlsSocketFactory, type TlsOptions } from './tls/socket-factory.js';
export { decodeEscapes, EscapeError } from './tcp/escapes.js';
export { DelimitedReplyReader, FixedSizeReplyReader } from './tcp/reply-reader.js';
