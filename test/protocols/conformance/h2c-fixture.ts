import { createServer, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { ProtocolFixture } from './fixtures.js';
import type { Behaviour, BehaviourServer } from './servers.js';

/** What a protocol on HTTP/2 answers on a stream: a whole reply, or its head and part of its body. */
export interface StreamReplies {
  scheme: string;
  answer(stream: ServerHttp2Stream): void;
  partial(stream: ServerHttp2Stream): void;
}

const HTTP_REPLIES: StreamReplies = {
  scheme: 'h2c',
  answer: (stream) => {
    stream.respond({ ':status': 200, 'content-length': '2' });
    stream.end('ok');
  },
  partial: (stream) => {
    stream.respond({ ':status': 200, 'content-length': '100' });
    stream.write('only part of it');
  },
};

/**
 * A node:http2 server (prior knowledge, cleartext) that behaves as the suite asks. Faults act on the
 * TCP connection under the session, as they do for the other protocols: a reset resets it, a close
 * mid-reply sends the head and part of the body and then ends the connection.
 */
export async function startH2cBehaviourServer(replies: StreamReplies, behaviour: Behaviour, delayMs = 0): Promise<BehaviourServer> {
  const sockets = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  let open = 0;
  const server = createServer();
  const state: BehaviourServer = {
    url: '',
    connections: 0,
    maxOpen: 0,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (socket: Socket) => {
    state.connections++;
    state.maxOpen = Math.max(state.maxOpen, ++open);
    sockets.add(socket);
    socket.on('close', () => {
      open--;
      sockets.delete(socket);
    });
    socket.on('error', () => {});
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  const rawSocketOf = (stream: ServerHttp2Stream): Socket | undefined => {
    const port = stream.session?.socket.remotePort;
    for (const socket of sockets) if (socket.remotePort === port) return socket;
    return undefined;
  };
  server.on('stream', (stream: ServerHttp2Stream) => {
    state.requests++;
    stream.on('error', () => {});
    stream.resume(); // a request body (gRPC's message) is read and dropped
    switch (behaviour) {
      case 'answer': {
        const answer = (): void => {
          if (stream.destroyed || stream.closed) return;
          replies.answer(stream);
        };
        if (delayMs === 0) answer();
        else setTimeout(answer, delayMs);
        return;
      }
      case 'reset':
        rawSocketOf(stream)?.resetAndDestroy();
        return;
      case 'close-mid-reply':
        replies.partial(stream);
        setImmediate(() => rawSocketOf(stream)?.end());
        return;
      default:
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  if (behaviour === 'closed-port') await state.close();
  state.url = `${replies.scheme}://127.0.0.1:${port}${replies.scheme === 'h2c' ? '/' : ''}`;
  return state;
}

/**
 * HTTP/2 in cleartext. Streams play the part pipelining plays for HTTP/1.1: a max-throughput plan's
 * pipelining becomes its streams per connection, and an arrival-rate plan gets one stream per
 * connection, so that (as for HTTP/1.1) the connection limit is what bounds requests in flight.
 */
export const h2cFixture: ProtocolFixture = {
  name: 'h2c (HTTP/2, prior knowledge)',
  startTarget: (behaviour, delayMs) => startH2cBehaviourServer(HTTP_REPLIES, behaviour, delayMs),
  planFor: (url, rest) => ({ target: { url, streams: rest.executor.type === 'max-throughput' ? (rest.executor.pipelining ?? 1) : 1 }, ...rest }),
  statusCodes: (count): Record<string, number> => (count > 0 ? { '200': count } : {}),
};
