/** A request header field as HTTP/2 sends it: name lower-cased, value as given. */
export type HeaderField = readonly [name: string, value: string];

/** The request headers of every stream, built once per run: pseudo-headers first, then the user's (names lower-cased, as HTTP/2 requires). */
export function buildHttp2Headers(
  url: URL,
  method: string,
  headers: readonly (readonly [string, string])[],
  body: Buffer | undefined,
  userAgent: string,
): HeaderField[] {
  const path = `${url.pathname === '' ? '/' : url.pathname}${url.search}`;
  let authority = url.host;
  const fields: HeaderField[] = [];
  let hasUserAgent = false;
  let hasContentLength = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    // Connection-specific headers are forbidden in HTTP/2 (RFC 9113 §8.2.2); Host becomes :authority.
    if (lower === 'host') {
      authority = value;
      continue;
    }
    if (lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding' || lower === 'upgrade' || lower === 'proxy-connection') continue;
    if (lower === 'user-agent') hasUserAgent = true;
    if (lower === 'content-length') hasContentLength = true;
    fields.push([lower, value]);
  }
  if (!hasUserAgent) fields.push(['user-agent', userAgent]);
  if (body !== undefined && !hasContentLength) fields.push(['content-length', String(body.length)]);
  return [[':method', method], [':path', path], [':scheme', url.protocol === 'https:' ? 'https' : 'http'], [':authority', authority], ...fields];
}
