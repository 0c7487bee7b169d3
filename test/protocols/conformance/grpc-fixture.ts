import { frameMessage } from '../../../src/protocols/grpc/index.js';
import { WORKER_CALL, WORKER_PROTO } from '../../../src/targets/grpc-worker.js';
import type { ProtocolFixture } from './fixtures.js';
import { startH2cBehaviourServer, type StreamReplies } from './h2c-fixture.js';

const EMPTY_REPLY = frameMessage(new Uint8Array(0));

/** A unary gRPC answer: headers, one framed message, then grpc-status 0 in the trailers; cut short, part of the message. */
const GRPC_REPLIES: StreamReplies = {
  scheme: 'grpc',
  answer: (stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(EMPTY_REPLY);
  },
  partial: (stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
    stream.write(EMPTY_REPLY.subarray(0, 3));
  },
};

/**
 * gRPC unary calls to the worker's method. Streams stand for pipelining as in the h2c fixture; a call
 * answered OK has no status code, as a raw TCP reply has none.
 */
export const grpcFixture: ProtocolFixture = {
  name: 'grpc (unary, cleartext HTTP/2)',
  startTarget: (behaviour, delayMs) => startH2cBehaviourServer(GRPC_REPLIES, behaviour, delayMs),
  planFor: (url, rest) => ({
    target: {
      url,
      proto: WORKER_PROTO,
      call: WORKER_CALL,
      data: '{"ms": 0}',
      streams: rest.executor.type === 'max-throughput' ? (rest.executor.pipelining ?? 1) : 1,
    },
    ...rest,
  }),
  statusCodes: () => ({}),
};
