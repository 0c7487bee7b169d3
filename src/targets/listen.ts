import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { reasonOf, SalvoError } from '../errors.js';

/** A load keeps its connections for the whole run: never close them for idling or for a request count. */
export function keepLoadConnectionsOpen(server: HttpServer): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.maxRequestsPerSocket = 0;
}

/**
 * Listens on host:port (0 picks a free port) and resolves with the port bound. A port taken or a
 * host that is not this machine's is the user's to fix: it rejects with a SalvoError saying which.
 */
export async function listen(server: NetServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => reject(bindError(error, port, host));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function bindError(error: NodeJS.ErrnoException, port: number, host: string): SalvoError {
  switch (error.code) {
    case 'EADDRINUSE':
      return new SalvoError('ERR_PORT_IN_USE', `port ${port} is in use on ${host}`, { hint: 'choose another --port, or --port 0 for a free one' });
    case 'EACCES':
      return new SalvoError('ERR_LISTEN', `cannot listen on port ${port}: it needs privileges`, { hint: 'choose a port above 1023' });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new SalvoError('ERR_HOST_UNRESOLVED', `cannot resolve host "${host}": ${error.code}`);
    case 'EADDRNOTAVAIL':
      return new SalvoError('ERR_LISTEN', `cannot listen on ${host}: no such address on this machine`);
    default:
      return new SalvoError('ERR_LISTEN', `cannot listen on ${host}:${port}: ${reasonOf(error)}`);
  }
}

/**
 * The target's close: stops listening, ends the connections still open (`dropConnections`), then
 * runs `afterClose`; called again, it returns the same promise, so a signal and a test may both close.
 */
export function closeOnce(server: NetServer, dropConnections: () => void, afterClose?: () => void): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      dropConnections();
    }).then(afterClose));
}

/** scheme://host:port, with an IPv6 host in brackets. */
export function targetUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
