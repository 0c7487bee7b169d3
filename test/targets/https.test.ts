import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { run } from '../../src/runner/index.js';
import { startHttpTarget, type RunningTarget } from '../../src/targets/http-server.js';
import { selfSignedCertificate } from '../../src/targets/tls.js';

/** The protocol the target picks by ALPN when a client offers `protocols`. */
function negotiated(url: string, protocols: string[]): Promise<string | false> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ALPNProtocols: protocols, rejectUnauthorized: false }, () => {
      resolve(socket.alpnProtocol ?? false);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

describe('built-in target over TLS (serve http --tls): h2 and http/1.1 by ALPN', () => {
  let target: RunningTarget;
  before(async () => {
    target = await startHttpTarget({ tls: await selfSignedCertificate() });
  });
  after(() => target.close());

  test('ALPN picks h2 when offered, http/1.1 otherwise', async () => {
    assert.equal(await negotiated(target.url, ['h2', 'http/1.1']), 'h2');
    assert.equal(await negotiated(target.url, ['http/1.1']), 'http/1.1');
  });

  const cases: [string, Partial<PlanInput['target']>][] = [
    ['salvo over HTTP/2 (https:// with http2)', { http2: true, streams: 4 }],
    ['salvo over HTTP/1.1', {}],
  ];
  for (const [name, fields] of cases) {
    test(`${name}: every request answered`, async () => {
      const result = await run(
        validatePlan({
          target: { url: `${target.url}/status/201`, insecure: true, ...fields },
          executor: { type: 'constant-arrival-rate', ratePerSec: 40, durationMs: 250 },
          connections: 2,
        }),
      );
      assert.deepEqual(result.summary.errors, {});
      assert.deepEqual(result.summary.statusCodes, { '201': 10 });
    });
  }
});
