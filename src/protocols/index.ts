export type { Transport, ExchangeListener } from './transport.js';
export { Http1Pool, type Http1PoolOptions } from './http1/pool.js';
export { buildRequest } from './http1/request.js';
export { ResponseParser } from './http1/response-parser.js';
