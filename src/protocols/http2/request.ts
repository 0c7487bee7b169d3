import { constants, type OutgoingHttpHeaders } from 'node:http2';

/** The request headers of every stream, built once per run: pseudo-headers, then the user's (names lower-cased, as HTTP/2 requires). */
export function buildHttp2Headers(url: URL, method: string, headers: readonly (readonly [string, string])[], body: Buffer | undefined, userAgent: string): OutgoingHttpHeaders {
  const path = `${url.pathname === '' ? '/' : url.pathname}${url.search}`;
  const result: OutgoingHttpHeaders = {
    [constants.HTTP2_HEADER_METHOD]: method,
    [constants.HTTP2_HEADER_PATH]: path,
    [constants.HTTP2_HEADER_SCHEME]: url.protocol === 'https:' ? 'https' : 'http',
    [constants.HTTP2_HEADER_AUTHORITY]: url.host,
  };
  let hasUserAgent = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    // Connection-specific headers are forbidden in HTTP/2 (RFC 9113 §8.2.2); Host becomes :authority.
    if (lower === 'host') {
      result[constants.HTTP2_HEADER_AUTHORITY] = value;
      continue;
    }
    if (lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding' || lower === 'upgrade' || lower === 'proxy-connection') continue;
    if (lower === 'user-agent') hasUserAgent = true;
    const previous = result[lower];
    result[lower] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [String(previous), value];
  }
  if (!hasUserAgent) result['user-agent'] = userAgent;
  if (body !== undefined && result['content-length'] === undefined) result['content-length'] = String(body.length);
  return result;
}
