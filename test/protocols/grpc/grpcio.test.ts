import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { validatePlan } from '../../../src/plan/index.js';
import { run } from '../../../src/runner/index.js';
import { startTargetProcess } from '../../../src/targets/target-process.js';
import { ECHO_CALL, ECHO_PROTO } from './protos.js';

// Python's grpcio (gRPC's C core) is a third gRPC implementation: its client must work against salvo's
// worker, and salvo's client against its server. Debian's python3-grpcio, for Debian's own python3.
const PYTHON = '/usr/bin/python3';
const PEERS = fileURLToPath(new URL('../../../../test/protocols/grpc/peers/', import.meta.url));
const grpcio = spawnSync(PYTHON, ['-c', 'import grpc'], { stdio: 'ignore' }).status === 0;
const skip = grpcio ? false : `no grpcio for ${PYTHON} (apt-get install python3-grpcio)`;

describe('Python grpcio peers', { skip }, () => {
  test('a grpcio client calls salvo serve grpc-worker: replies, server-timing, and error statuses', async () => {
    const worker = await startTargetProcess('grpc-worker');
    try {
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(PYTHON, [`${PEERS}grpcio_client.py`, worker.url.replace('grpc://', ''), '20'], { timeout: 30_000 }, (error, out, err) =>
          error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
        ),
      );
      const seen = JSON.parse(stdout) as { ok: number; serviceMs: number[]; serverTiming: string[]; tooLong: string; unknown: string };
      assert.equal(seen.ok, 20);
      seen.serviceMs.forEach((ms, index) => {
        assert.ok(ms >= 2, `serviceMs ${ms}`);
        assert.equal(seen.serverTiming[index], `app;dur=${ms.toFixed(3)}`);
      });
      assert.equal(seen.tooLong, 'INVALID_ARGUMENT');
      assert.equal(seen.unknown, 'UNIMPLEMENTED');
    } finally {
      await worker.stop();
    }
  });

  test('salvo calls a grpcio server: calls complete, and its statuses count by name', async () => {
    const server = spawn(PYTHON, [`${PEERS}grpcio_server.py`], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let output = '';
        server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const match = /listening on (\d+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        server.once('exit', (code) => reject(new Error(`the grpcio server exited (code ${code})`)));
      });
      const target = { url: `grpc://127.0.0.1:${port}`, proto: ECHO_PROTO, call: ECHO_CALL, data: '{"text": "hi", "seq": {{seq}}}' };
      const executor = { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 500 } as const;
      const ok = await run(validatePlan({ target, executor, connections: 2 }));
      assert.equal(ok.summary.requests.completed, 50);
      assert.deepEqual(ok.summary.errors, {});
      const failing = await run(validatePlan({ target: { ...target, metadata: [['x-status', 'PERMISSION_DENIED']] }, executor }));
      assert.deepEqual(failing.summary.errors, { grpc_PERMISSION_DENIED: 50 });
      const busy = await run(validatePlan({ target: { ...target, streams: 4 }, executor: { type: 'max-throughput', durationMs: 300 }, connections: 2 }));
      assert.ok(busy.summary.requests.completed > 20, `completed ${busy.summary.requests.completed}`);
      assert.equal(busy.summary.requests.failed, 0);
    } finally {
      server.stdin.end();
      if (server.exitCode === null) await once(server, 'exit');
    }
  });
});
