import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertUsageError } from '../support/cli.js';
import { rawServer } from '../support/servers.js';

// Inputs that were once taken and then made every request of the run fail, or judged it wrongly: each is
// now refused in one line before anything is sent (the server below sees no byte).
describe('salvo run: inputs that cannot be right are refused before the run', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof rawServer>>;
  let bytesReceived = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'salvo-refused-'));
    server = await rawServer((socket) => socket.on('data', (chunk: Buffer) => (bytesReceived += chunk.length)));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an error or drop percentage above 100', () => {
    assertUsageError(
      ['run', server.url, '--rate', '10', '-d', '1s', '--threshold', 'errors<150%'],
      /threshold "errors<150%": errors is a share of the requests: 150% is more than all of them/,
    );
  });

  test('a --ca file that holds no PEM certificate, or one that does not parse', () => {
    const https = `https://127.0.0.1:${server.port}/`;
    const notPem = join(dir, 'not-pem.txt');
    writeFileSync(notPem, 'hello\n');
    assertUsageError(['run', https, '--rate', '10', '-d', '1s', '--ca', notPem], /^salvo: error: CA file ".*not-pem\.txt" holds no PEM certificate/);
    const brokenPem = join(dir, 'broken.pem');
    writeFileSync(brokenPem, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    assertUsageError(
      ['run', https, '--rate', '10', '-d', '1s', '--ca', brokenPem],
      /^salvo: error: CA file ".*broken\.pem": certificate 1 of 1 cannot be read/,
    );
  });

  test('a tcp:// URL with a path or a query', () => {
    const tcp = `tcp://127.0.0.1:${server.port}`;
    for (const url of [`${tcp}/path`, `${tcp}/?q=1`]) {
      assertUsageError(
        ['run', url, '--payload', 'PING\\n', '--expect-bytes', '5', '--rate', '10', '-d', '1s'],
        /tcp:\/\/ takes no path or query: what is sent goes in payload/,
      );
    }
  });

  test('the server saw no request', () => {
    assert.equal(bytesReceived, 0);
  });
});
