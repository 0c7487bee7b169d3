import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { causeOfSocketError } from '../../../src/metrics/causes.js';
import { validatePlan, type PlanInput } from '../../../src/plan/index.js';
import { run } from '../../../src/runner/index.js';
import { SetupError } from '../../../src/runner/setup-error.js';
import { startHttpTarget, type RunningTarget } from '../../../src/targets/http-server.js';
import { selfSignedCertificate, type Certificate } from '../../../src/targets/tls.js';
import { withRawServer } from '../../support/servers.js';
import { scratchDir } from '../../support/scratch.js';

const atRate = (target: PlanInput['target'], ratePerSec = 40, durationMs = 250) =>
  validatePlan({ target, executor: { type: 'constant-arrival-rate', ratePerSec, durationMs } });

describe('HTTPS (HTTP/1.1 over TLS)', () => {
  let certificate: Certificate;
  let target: RunningTarget;
  let caFile: string;
  before(async () => {
    certificate = await selfSignedCertificate();
    target = await startHttpTarget({ tls: certificate });
    caFile = join(scratchDir('salvo-tls-'), 'ca.pem');
    writeFileSync(caFile, certificate.cert);
  });
  after(() => target.close());

  test('the built-in target serves HTTPS on an https:// URL', () => {
    assert.match(target.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('a self-signed certificate without insecure counts as tls, and the run goes on', async () => {
    const result = await run(atRate({ url: `${target.url}/` }));
    assert.deepEqual(result.summary.errors, { tls: 10 });
    assert.equal(result.summary.requests.sent, 10);
  });

  test('insecure accepts it', async () => {
    const result = await run(atRate({ url: `${target.url}/status/201`, insecure: true }));
    assert.deepEqual(result.summary.errors, {});
    assert.deepEqual(result.summary.statusCodes, { '201': 10 });
  });

  test('caFile trusts it, for the names it was made for', async () => {
    const byAddress = await run(atRate({ url: `${target.url}/`, caFile }));
    assert.deepEqual(byAddress.summary.errors, {});
    assert.equal(byAddress.summary.requests.completed, 10);
    const byName = await run(atRate({ url: `https://localhost:${target.port}/`, caFile }));
    assert.equal(byName.summary.requests.completed, 10);
  });

  test('a certificate for another name counts as tls even when its CA is trusted', async () => {
    // A certificate that names only a host we do not ask for: made by hand, without the default names.
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: 'elsewhere.example' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'elsewhere.example' }] }],
    });
    const elsewhere = await startHttpTarget({ tls: { key: pems.private, cert: pems.cert } });
    const file = join(scratchDir('salvo-tls-'), 'ca.pem');
    writeFileSync(file, pems.cert);
    try {
      const result = await run(atRate({ url: `https://localhost:${elsewhere.port}/`, caFile: file }));
      assert.deepEqual(result.summary.errors, { tls: 10 });
    } finally {
      await elsewhere.close();
    }
  });

  test('SNI carries the URL host name, not the resolved address', async () => {
    const seen: (string | false | null)[] = [];
    const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (socket: TLSSocket) => {
      seen.push(socket.servername);
      socket.on('error', () => {});
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await run(atRate({ url: `https://localhost:${port}/`, insecure: true }, 20, 100));
      assert.equal(result.summary.requests.completed, 2);
      assert.ok(seen.length >= 1 && seen.every((name) => name === 'localhost'), JSON.stringify(seen));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('a plain TCP server on an https:// URL counts as tls', async () => {
    const result = await withRawServer(
      (socket) => socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n')),
      (url) => run(atRate({ url: url.replace('http:', 'https:'), insecure: true })),
    );
    assert.deepEqual(result.summary.errors, { tls: 10 });
  });

  test('an unreadable caFile fails the run before it starts', async () => {
    await assert.rejects(run(atRate({ url: `${target.url}/`, caFile: '/nonexistent/ca.pem' })), (error: Error) => {
      return error instanceof SetupError && /cannot read CA file "\/nonexistent\/ca.pem": ENOENT/.test(error.message);
    });
  });
});

test('causeOfSocketError: TLS and certificate failures are tls, socket failures keep their causes', () => {
  const cases: [string, string][] = [
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'tls'],
    ['EPROTO', 'tls'],
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'socket'],
  ];
  for (const [code, cause] of cases) {
    const error = Object.assign(new Error(code), { code }) as NodeJS.ErrnoException;
    assert.equal(causeOfSocketError(error), cause, code);
  }
});
