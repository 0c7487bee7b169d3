import { isIP } from 'node:net';
import { checkServerIdentity, connect, type ConnectionOptions } from 'node:tls';
import type { SocketFactory } from '../socket-opener.js';

export interface TlsOptions {
  /** An address already resolved, so no request waits on DNS. */
  host: string;
  port: number;
  /** The URL's host name: sent as SNI and checked against the certificate (SNI is omitted for an IP address, as RFC 6066 says). */
  serverName: string;
  /** Accept any certificate (self-signed, expired, another name): encryption without authentication. */
  insecure: boolean;
  /** PEM certificates to trust instead of node's bundled roots. */
  ca?: Buffer | undefined;
  /** ALPN protocols to offer, e.g. ['http/1.1']. */
  alpn?: string[];
}

/**
 * TLS sockets for the socket pool. node:tls honours `onread` like node:net does (the decrypted
 * bytes are copied into the pool's one buffer), so HTTPS keeps the zero-allocation read path; the
 * added cost is the decryption itself and one copy out of OpenSSL.
 */
export function tlsSocketFactory(options: TlsOptions): SocketFactory {
  const base: ConnectionOptions = {
    host: options.host,
    port: options.port,
    rejectUnauthorized: !options.insecure,
    ...(isIP(options.serverName) ? {} : { servername: options.serverName }),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.alpn !== undefined ? { ALPNProtocols: options.alpn } : {}),
    // The certificate is checked against the URL's name, not the resolved address we connect to.
    checkServerIdentity: (_host, certificate) => checkServerIdentity(options.serverName, certificate),
  };
  return (onread) => {
    const socket = connect({ ...base, onread } as ConnectionOptions);
    socket.setNoDelay(true);
    return socket;
  };
}
