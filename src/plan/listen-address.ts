import { SalvoError } from '../errors.js';

/** Where a server of the run listens: a host (an IPv6 address in brackets) and a port, 0 for any free one. */
export interface ListenAddress {
  host: string;
  port: number;
}

export class ListenAddressError extends SalvoError {
  override name = 'ListenAddressError';
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** "127.0.0.1:5665", "[::1]:5665", "0.0.0.0:0". */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s[\]:]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || !(port <= 65_535)) throw new ListenAddressError(`"${text}" is not host:port (e.g. 127.0.0.1:5665, [::1]:5665; port 0 picks a free one)`);
  return { host: (match[1] ?? match[2])!, port };
}
