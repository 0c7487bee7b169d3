import type { OnReadOpts, Socket } from 'node:net';

/**
 * Opens a socket whose reads land in `onread` (no per-read Buffer: node:net and node:tls both honour
 * it). Writes made before the socket connects are queued by node, so a pool writes at once.
 */
export type SocketFactory = (onread: OnReadOpts) => Socket;

/** What a connection does with its socket's events; none is called once the socket is no longer the connection's. */
export interface SocketHandlers {
  /** `bytes` bytes were read into `buffer[0, bytes)`, valid until the next read of any socket of the same opener. */
  read(buffer: Buffer, bytes: number): void;
  error(error: NodeJS.ErrnoException): void;
  close(): void;
}

const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Opens the sockets of one set of connections (a pool's, or the virtual users'), all reading into one
 * buffer: each read is parsed before the next read can land in it, so no read allocates.
 */
export class SocketOpener {
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  constructor(private readonly connect: SocketFactory) {}

  /** Opens a socket for a connection; `current` says whether it is still that connection's socket. */
  open(current: (socket: Socket) => boolean, handlers: SocketHandlers): Socket {
    const socket: Socket = this.connect({
      buffer: this.readBuffer,
      callback: (bytes: number, buffer: Uint8Array) => {
        if (current(socket)) handlers.read(buffer as Buffer, bytes);
        return true;
      },
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (current(socket)) handlers.error(error);
    });
    socket.on('close', () => {
      if (current(socket)) handlers.close();
    });
    return socket;
  }
}
