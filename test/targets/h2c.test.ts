import assert from 'node:assert/strict';
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { connect, type IncomingHttpHeaders } from 'node:http2';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startHttpTarget, type RunningTarget } from '../../src/targets/http-server.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';

const execFile = promisify(execFileCallback);

/** The path of an installed program, or undefined. */
function which(program: string): string | undefined {
  try {
    return execFileSync('which', [program], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** One request over a fresh h2c session: status, headers and body. */
async function get(url: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const session = connect(url.replace(/^h2c:/, 'http:'));
  try {
    return await new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path });
      let headers: IncomingHttpHeaders = {};
      let body = '';
      stream.setEncoding('utf8');
      stream.on('response', (received) => (headers = received));
      stream.on('data', (chunk: string) => (body += chunk));
      stream.on('end', () => resolve({ status: Number(headers[':status']), headers, body }));
      stream.on('error', reject);
    });
  } finally {
    session.close();
  }
}

describe('built-in target over h2c (serve http --h2c)', () => {
  let target: RunningTarget;
  before(async () => {
    target = await startHttpTarget({ h2c: true });
  });
  after(() => target.close());

  test('listens on an h2c:// URL', () => {
    assert.match(target.url, /^h2c:\/\/127\.0\.0\.1:\d+$/);
  });

  test('serves the same routes, each answer with Server-Timing', async () => {
    const hello = await get(target.url, '/');
    assert.equal(hello.status, 200);
    assert.equal(hello.body, 'hello\n');
    assert.match(String(hello.headers['server-timing']), /^app;dur=\d+\.\d{3}$/);
    assert.equal((await get(target.url, '/status/503')).status, 503);
    assert.equal((await get(target.url, '/bytes/1000')).body.length, 1000);
    const delayed = await get(target.url, '/delay/20');
    assert.ok(Number(/dur=([\d.]+)/.exec(String(delayed.headers['server-timing']))![1]) >= 20);
    assert.equal((await get(target.url, '/nowhere')).status, 404);
  });

  test('takes no tls', async () => {
    await assert.rejects(startHttpTarget({ h2c: true, tls: { key: '', cert: '' } }), /tls/);
  });
});

describe('real peers against salvo serve http --h2c', () => {
  let target: TargetProcess;
  let address: string;
  before(async () => {
    target = await startTargetProcess('http', ['--h2c']);
    address = target.url.replace(/^h2c:/, 'http:');
  });
  after(() => target.stop());

  test('the process prints an h2c:// URL', () => {
    assert.match(target.url, /^h2c:\/\/127\.0\.0\.1:\d+$/);
  });

  const curl = which('curl');
  test('curl --http2-prior-knowledge gets 200 over HTTP/2 with Server-Timing', {
    skip: curl ? false : 'curl is not installed (apt-get install curl)',
  }, async () => {
    const { stdout } = await execFile(curl!, ['-s', '-i', '--http2-prior-knowledge', `${address}/`]);
    assert.match(stdout, /^HTTP\/2 200/);
    assert.match(stdout, /^server-timing: app;dur=/im);
    assert.match(stdout, /hello\n$/);
  });

  const h2load = which('h2load');
  test('h2load -n 1000 -c 4 -m 10 completes every request', { skip: h2load ? false : 'h2load is not installed (apt-get install nghttp2-client)' }, async () => {
    const { stdout } = await execFile(h2load!, ['-n', '1000', '-c', '4', '-m', '10', `${address}/`]);
    assert.match(stdout, /requests: 1000 total, 1000 started, 1000 done, 1000 succeeded, 0 failed, 0 errored, 0 timeout/);
    assert.match(stdout, /status codes: 1000 2xx/);
    assert.match(stdout, /Application protocol: h2c/);
  });
});
