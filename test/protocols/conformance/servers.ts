import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { Certificate } from '../../../src/targets/tls.js';

/** What a conformance target does with each connection. */
export type Behaviour =
  | 'answer' // answers every request, in order
  | 'hang' // accepts, reads, never answers
  | 'reset' // resets the connection when the first request arrives
  | 'close-mid-reply' // writes part of a reply, then closes
  | 'closed-port'; // nothing listens at the URL

/** How one protocol's requests end and what its replies look like, as bytes on the wire. */
export interface Framing {
  scheme: 'http' | 'https' | 'tcp';
  /** Every request ends with these bytes (and holds them nowhere else). */
  requestEnd: string;
  reply: string;
  /** The start of a reply, cut short. */
  partialReply: string;
  /** For TLS: the server's certificate. */
  certificate?: Certificate;
}

export interface BehaviourServer {
  url: string;
  /** Connections accepted so far. */
  connections: number;
  /** Most connections open at the same time. */
  maxOpen: number;
  /** Complete requests received, over all connections. */
  requests: number;
  close(): Promise<void>;
}

/**
 * A raw server (node:net, with node:tls layered on by hand so a reset can reach the TCP socket
 * under it) that frames requests by `framing` and behaves as told. `delayMs` holds each reply back.
 */
export async function startBehaviourServer(framing: Framing, behaviour: Behaviour, delayMs = 0): Promise<BehaviourServer> {
  const sockets = new Set<Socket>();
  const secureContext = framing.certificate ? createSecureContext(framing.certificate) : undefined;
  let open = 0;
  const state: BehaviourServer = {
    url: '',
    connections: 0,
    maxOpen: 0,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((raw) => {
    state.connections++;
    state.maxOpen = Math.max(state.maxOpen, ++open);
    sockets.add(raw);
    raw.setNoDelay(true);
    raw.on('close', () => {
      open--;
      sockets.delete(raw);
    });
    raw.on('error', () => {});
    const stream: Socket = secureContext ? new TLSSocket(raw, { isServer: true, secureContext }) : raw;
    stream.on('error', () => {});
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf(framing.requestEnd)) >= 0) {
        pending = pending.slice(end + framing.requestEnd.length);
        state.requests++;
        onRequest(raw, stream);
      }
    });
  });
  function onRequest(raw: Socket, stream: Socket): void {
    switch (behaviour) {
      case 'answer':
        if (delayMs === 0) stream.write(framing.reply);
        else setTimeout(() => stream.destroyed || stream.write(framing.reply), delayMs);
        return;
      case 'reset':
        raw.resetAndDestroy();
        return;
      case 'close-mid-reply':
        stream.end(framing.partialReply);
        return;
      default:
        return;
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  if (behaviour === 'closed-port') await state.close();
  state.url = `${framing.scheme}://127.0.0.1:${port}${framing.scheme === 'tcp' ? '' : '/'}`;
  return state;
}
