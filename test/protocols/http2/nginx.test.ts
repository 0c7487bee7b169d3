import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { validatePlan } from '../../../src/plan/index.js';
import { run } from '../../../src/runner/index.js';
import { closedPort } from '../../support/servers.js';

function which(program: string): string | undefined {
  try {
    return execFileSync('which', [program], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const nginx =
  which('nginx') ??
  ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((path) => {
    try {
      execFileSync(path, ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });

// nginx is a second HTTP/2 implementation (its own, not nghttp2's server): salvo's h2c client must work against it.
describe('salvo h2c client against nginx (h2c, prior knowledge)', { skip: nginx ? false : 'nginx is not installed (apt-get install nginx-light)' }, () => {
  let child: ChildProcess | undefined;
  let port = 0;
  let prefix = '';
  before(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'salvo-nginx-h2c-'));
    port = await closedPort();
    // Its own prefix, port and pid file; in the foreground so that it is our child and stops with us.
    const config = `
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  http2_max_concurrent_streams 16;
  # GOAWAY after 300 streams on a connection: the client must count what it loses and reconnect.
  keepalive_requests 300;
  server {
    listen 127.0.0.1:${port} http2;
    location / { return 200 "hello"; }
    location /missing { return 404 "no"; }
  }
}
`;
    writeFileSync(join(prefix, 'nginx.conf'), config);
    child = spawn(nginx!, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf')], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await listening(port)); i++) {
      if (child.exitCode !== null) break;
      await sleep(20);
    }
    if (!(await listening(port))) {
      let log = '';
      try {
        log = readFileSync(join(prefix, 'error.log'), 'utf8');
      } catch {}
      throw new Error(`nginx did not start: ${log}`);
    }
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  test('a fixed rate completes exactly, with status codes', async () => {
    const result = await run(
      validatePlan({
        target: { url: `h2c://127.0.0.1:${port}/` },
        executor: { type: 'constant-arrival-rate', ratePerSec: 200, durationMs: 500 },
        connections: 2,
      }),
    );
    assert.equal(result.summary.requests.sent, 100);
    assert.equal(result.summary.requests.completed, 100);
    assert.deepEqual(result.summary.errors, {});
    assert.deepEqual(result.summary.statusCodes, { '200': 100 });
  });

  test('max throughput with more streams than nginx allows (16): no stream refused, and its GOAWAY (keepalive_requests) only costs streams above the last id', async () => {
    const result = await run(
      validatePlan({ target: { url: `h2c://127.0.0.1:${port}/missing`, streams: 64 }, executor: { type: 'max-throughput', durationMs: 300 }, connections: 2 }),
    );
    const { sent, failed, interrupted } = result.summary.requests;
    const { http4xx = 0, goaway = 0, ...others } = result.summary.errors;
    assert.ok(http4xx > 600, `answered ${http4xx}: more than two connections' worth`);
    // Every answer is nginx's 404; what a GOAWAY cut off counts as goaway; nothing refused or reset.
    assert.deepEqual(others, {});
    assert.deepEqual(result.summary.statusCodes, { '404': http4xx });
    assert.equal(failed, http4xx + goaway);
    assert.equal(sent, failed + interrupted);
    assert.equal(interrupted, 0);
  });
});
