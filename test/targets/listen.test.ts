import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SalvoError } from '../../src/errors.js';
import { startGrpcWorker } from '../../src/targets/grpc-worker.js';
import { startHttpTarget } from '../../src/targets/http-server.js';
import { startServoFleet } from '../../src/targets/servo-fleet/index.js';
import { startTcpEchoTarget } from '../../src/targets/tcp-echo.js';
import { assertUsageError } from '../support/cli.js';
import { rawServer } from '../support/servers.js';

const STARTS: [string, (options: { host: string; port: number }) => Promise<{ close(): Promise<void> }>][] = [
  ['http', (options) => startHttpTarget(options)],
  ['h2c', (options) => startHttpTarget({ ...options, h2c: true })],
  ['tcp-echo', (options) => startTcpEchoTarget(options)],
  ['grpc-worker', (options) => startGrpcWorker(options)],
  ['servo-fleet', (options) => startServoFleet({ ...options, apps: 2 })],
];

describe('built-in targets: listening and closing', () => {
  test('a port in use and a host that does not resolve are SalvoErrors saying so', async () => {
    const busy = await rawServer(() => {});
    try {
      for (const [name, start] of STARTS) {
        await assert.rejects(start({ host: '127.0.0.1', port: busy.port }), (error: unknown) => {
          assert.ok(error instanceof SalvoError, name);
          assert.equal(error.code, 'ERR_PORT_IN_USE', name);
          assert.match(error.message, new RegExp(`^port ${busy.port} is in use on 127\\.0\\.0\\.1$`), name);
          return true;
        });
        await assert.rejects(
          start({ host: 'no-such-host.invalid', port: 0 }),
          (error: unknown) => error instanceof SalvoError && error.code === 'ERR_HOST_UNRESOLVED',
          name,
        );
      }
    } finally {
      await busy.close();
    }
  });

  test('closing twice closes once: the second call gets the same promise', async () => {
    for (const [name, start] of STARTS) {
      const target = await start({ host: '127.0.0.1', port: 0 });
      const first = target.close();
      assert.equal(target.close(), first, name);
      await first;
    }
  });

  test('salvo serve on a busy port or an unknown host: one line, exit 2', async () => {
    const busy = await rawServer(() => {});
    try {
      for (const kind of ['http', 'tcp-echo', 'grpc-worker', 'servo-fleet']) {
        assertUsageError(
          ['serve', kind, '--port', String(busy.port)],
          new RegExp(`^salvo: error: port ${busy.port} is in use on 127\\.0\\.0\\.1 \\(choose another --port, or --port 0 for a free one\\)$`),
        );
        assertUsageError(
          ['serve', kind, '--port', '0', '--host', 'no-such-host.invalid'],
          /^salvo: error: cannot resolve host "no-such-host\.invalid": E[A-Z_]+$/,
        );
      }
    } finally {
      await busy.close();
    }
  });
});
