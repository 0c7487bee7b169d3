import { VERSION } from '../../version.js';
import type { Target } from '../../plan/schema.js';

export const USER_AGENT = `salvo/${VERSION}`;

/**
 * The whole request as one buffer, built once per run: every send writes these same bytes,
 * so the hot path neither formats nor allocates.
 */
export function buildRequest(target: Target, body: Buffer | undefined): Buffer {
  return encodeRequest(target.method, new URL(target.url), target.headers, body);
}

/** One HTTP/1.1 request's bytes: Host and User-Agent added unless given, Content-Length for a body. */
export function encodeRequest(method: string, url: URL, headers: readonly (readonly [string, string])[], body: Buffer | undefined): Buffer {
  const has = (name: string): boolean => headers.some(([header]) => header.toLowerCase() === name);
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`];
  if (!has('host')) lines.push(`Host: ${url.host}`);
  if (!has('user-agent')) lines.push(`User-Agent: ${USER_AGENT}`);
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  const sendsBody = body !== undefined || ['POST', 'PUT', 'PATCH'].includes(method);
  if (sendsBody && !has('content-length')) lines.push(`Content-Length: ${body?.length ?? 0}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}
