// Built-in raw TCP load target: echoes every byte it receives, so `salvo run tcp://… --payload 'PING\n'
// --expect-delimiter '\n'` gets each payload back as its reply.

import { createServer, type Socket } from 'node:net';
import { closeOnce, listen, targetUrl } from './listen.js';
import type { RunningTarget } from './http-server.js';

export interface TcpEchoTargetOptions {
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Port to bind; 0 picks a free port. Default 0. */
  port?: number;
}

export async function startTcpEchoTarget(options: TcpEchoTargetOptions = {}): Promise<RunningTarget> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // a client that resets is none of the target's business
    socket.pipe(socket); // backpressure included: a client that stops reading stops being read
  });
  const port = await listen(server, options.port ?? 0, host);
  const close = closeOnce(server, () => {
    for (const socket of sockets) socket.destroy();
  });
  return { url: targetUrl('tcp', host, port), host, port, close };
}
