import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildRequest, USER_AGENT } from '../../../src/protocols/http1/request.js';
import type { Target } from '../../../src/plan/schema.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const UA = `salvo/${packageVersion}`;

function target(url: string, method = 'GET', headers: [string, string][] = []): Target {
  return { url, method, headers };
}

/** The request as a latin1 string, so a mismatch shows every byte. */
function text(request: Buffer): string {
  return request.toString('latin1');
}

describe('buildRequest', () => {
  test('USER_AGENT is salvo/<package version>', () => {
    assert.equal(USER_AGENT, UA);
  });

  test('GET with path and query, default Host with port and User-Agent', () => {
    const request = buildRequest(target('http://example.com:8080/api/items?x=1&y=two#fragment'), undefined);
    assert.equal(text(request), `GET /api/items?x=1&y=two HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: ${UA}\r\n\r\n`);
  });

  test('GET of the root without a port: path "/", Host without port', () => {
    assert.equal(text(buildRequest(target('http://example.com'), undefined)), `GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: ${UA}\r\n\r\n`);
    assert.equal(text(buildRequest(target('http://example.com:80/'), undefined)), `GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: ${UA}\r\n\r\n`);
  });

  test('loopback IPv4 and IPv6 hosts', () => {
    assert.equal(text(buildRequest(target('http://127.0.0.1:3000/a?b'), undefined)), `GET /a?b HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nUser-Agent: ${UA}\r\n\r\n`);
    assert.equal(text(buildRequest(target('http://[::1]:3000/'), undefined)), `GET / HTTP/1.1\r\nHost: [::1]:3000\r\nUser-Agent: ${UA}\r\n\r\n`);
  });

  test('user headers are kept, in order, after the defaults', () => {
    const request = buildRequest(
      target('http://localhost:9000/x', 'GET', [
        ['X-B', '2'],
        ['Accept', 'application/json'],
        ['X-A', '1'],
        ['X-A', 'again'],
      ]),
      undefined,
    );
    assert.equal(
      text(request),
      `GET /x HTTP/1.1\r\nHost: localhost:9000\r\nUser-Agent: ${UA}\r\nX-B: 2\r\nAccept: application/json\r\nX-A: 1\r\nX-A: again\r\n\r\n`,
    );
  });

  test('a user Host header replaces the default (any case)', () => {
    const request = buildRequest(
      target('http://127.0.0.1:9000/', 'GET', [
        ['X-First', 'a'],
        ['host', 'api.example.com'],
      ]),
      undefined,
    );
    assert.equal(text(request), `GET / HTTP/1.1\r\nUser-Agent: ${UA}\r\nX-First: a\r\nhost: api.example.com\r\n\r\n`);
    assert.equal((text(request).match(/host:/gi) ?? []).length, 1);
  });

  test('a user User-Agent header replaces the default', () => {
    const request = buildRequest(target('http://127.0.0.1:9000/', 'GET', [['USER-AGENT', 'me/1']]), undefined);
    assert.equal(text(request), 'GET / HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nUSER-AGENT: me/1\r\n\r\n');
  });

  test('POST with a body gets its Content-Length and the body bytes', () => {
    const body = Buffer.from('{"name":"salvo","n":1}', 'utf8');
    const request = buildRequest(target('http://127.0.0.1:9000/submit', 'POST', [['Content-Type', 'application/json']]), body);
    assert.equal(
      text(request),
      `POST /submit HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nUser-Agent: ${UA}\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{"name":"salvo","n":1}`,
    );
  });

  test('a binary body is copied byte for byte and counted in bytes', () => {
    const body = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0xc3, 0xa9]);
    const request = buildRequest(target('http://h/', 'PUT'), body);
    const head = Buffer.from(`PUT / HTTP/1.1\r\nHost: h\r\nUser-Agent: ${UA}\r\nContent-Length: 6\r\n\r\n`, 'latin1');
    assert.deepEqual(request, Buffer.concat([head, body]));
  });

  test('POST, PUT and PATCH without a body get Content-Length: 0', () => {
    for (const method of ['POST', 'PUT', 'PATCH']) {
      assert.equal(
        text(buildRequest(target('http://h:1/p', method), undefined)),
        `${method} /p HTTP/1.1\r\nHost: h:1\r\nUser-Agent: ${UA}\r\nContent-Length: 0\r\n\r\n`,
      );
    }
  });

  test('GET, HEAD and DELETE without a body get no Content-Length', () => {
    for (const method of ['GET', 'HEAD', 'DELETE']) {
      assert.equal(text(buildRequest(target('http://h:1/p', method), undefined)), `${method} /p HTTP/1.1\r\nHost: h:1\r\nUser-Agent: ${UA}\r\n\r\n`);
    }
  });

  test('an empty body still announces Content-Length: 0, a GET body its length', () => {
    assert.equal(
      text(buildRequest(target('http://h/', 'POST'), Buffer.alloc(0))),
      `POST / HTTP/1.1\r\nHost: h\r\nUser-Agent: ${UA}\r\nContent-Length: 0\r\n\r\n`,
    );
    assert.equal(
      text(buildRequest(target('http://h/', 'GET'), Buffer.from('q'))),
      `GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: ${UA}\r\nContent-Length: 1\r\n\r\nq`,
    );
  });

  test('a user Content-Length is not duplicated', () => {
    const request = buildRequest(target('http://h/', 'POST', [['content-length', '3']]), Buffer.from('abc'));
    assert.equal(text(request), `POST / HTTP/1.1\r\nHost: h\r\nUser-Agent: ${UA}\r\ncontent-length: 3\r\n\r\nabc`);
  });

  test('a path needing escapes is sent percent-encoded', () => {
    const request = buildRequest(target('http://h/a b/é?q=a b'), undefined);
    assert.equal(text(request), `GET /a%20b/%C3%A9?q=a%20b HTTP/1.1\r\nHost: h\r\nUser-Agent: ${UA}\r\n\r\n`);
  });
});
