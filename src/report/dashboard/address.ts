import { isIP } from 'node:net';

/** Where the dashboard listens unless told otherwise: this machine only. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';
export const DEFAULT_DASHBOARD_PORT = 5665;

/** Whether an address is this machine only (127.0.0.0/8, ::1, localhost): anywhere else, steering needs a token. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
