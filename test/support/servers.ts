import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A raw TCP server on 127.0.0.1 whose every connection is handled by `onConnection`; for faults node:http cannot make. */
export async function rawServer(onConnection: (socket: Socket) => void): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = await rawServer(() => {});
  await server.close();
  return server.port;
}

/** Runs `body` against a raw server that lives only for its duration. */
export async function withRawServer<T>(onConnection: (socket: Socket) => void, body: (url: string) => Promise<T>): Promise<T> {
  const server = await rawServer(onConnection);
  try {
    return await body(server.url);
  } finally {
    await server.close();
  }
}
