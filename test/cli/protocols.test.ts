import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo } from '../support/cli.js';
import { closedPort } from '../support/servers.js';

// Apart from cli.test.ts because node's runner gives each file 60 s, and that one is near it already.

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Starts salvo with stdout piped. */
function spawnPiped(args: string[]) {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = once(child, 'close').then(([status]) => ({ status: status as number | null, ...output }));
  return { child, output, exited };
}

describe('salvo CLI: https:// and tcp:// targets', () => {
  test('bad input for https and tcp: one line naming the problem, exit 2', async () => {
    const port = await closedPort();
    const tcp = `tcp://127.0.0.1:${port}`;
    const cases: [string[], RegExp][] = [
      [['run', `https://127.0.0.1:${port}/`, '--ca', '/nonexistent/ca.pem'], /cannot read CA file "\/nonexistent\/ca\.pem": ENOENT/],
      [['run', tcp, '--expect-delimiter', '\\n'], /target\.payload: tcp:\/\/ needs a payload/],
      [['run', tcp, '--payload', 'PING', '--payload-file', 'p.bin', '--expect-bytes', '4'], /target\.payloadFile: give payload or payloadFile, not both/],
      [['run', tcp, '--payload-file', '/nonexistent/p.bin', '--expect-bytes', '4'], /cannot read payload file "\/nonexistent\/p\.bin": ENOENT/],
      [['run', `http://127.0.0.1:${port}/`, '--payload-file', 'p.bin'], /target\.payloadFile: applies only to tcp:\/\//],
      [['run', tcp, '--payload', 'PING'], /target\.expectDelimiter: tcp:\/\/ needs exactly one of expectDelimiter and expectBytes/],
      [['run', tcp, '--payload', 'PING', '--expect-delimiter', '\\n', '--expect-bytes', '4'], /needs exactly one of expectDelimiter and expectBytes/],
      [['run', tcp, '--payload', 'PING\\q', '--expect-bytes', '4'], /target\.payload: "\\q" is not an escape/],
      [['run', tcp, '--payload', 'PING', '--expect-delimiter', '\\x0'], /target\.expectDelimiter: "\\x0" is not an escape/],
      [['run', tcp, '--payload', 'PING', '--expect-bytes', '0'], /--expect-bytes/],
      [
        ['run', tcp, '--payload', 'PING', '--expect-bytes', '4', '--body', 'x'],
        /target\.body: applies only to http:\/\/, https:\/\/ and h2c:\/\/ targets, not tcp:\/\//,
      ],
      [['run', tcp, '--payload', 'PING', '--expect-bytes', '4', '-m', 'POST'], /target\.method: applies only to http/],
      [['run', tcp, '--payload', 'PING', '--expect-bytes', '4', '--insecure'], /target\.insecure: applies only to https:\/\/ targets/],
      [['run', 'tcp://127.0.0.1', '--payload', 'PING', '--expect-bytes', '4'], /tcp:\/\/ needs a port/],
      [['run', `http://127.0.0.1:${port}/`, '--payload', 'PING'], /target\.payload: applies only to tcp:\/\/ targets, not http:\/\//],
      [['run', `http://127.0.0.1:${port}/`, '--insecure'], /target\.insecure: applies only to https:\/\/ targets, not http:\/\//],
    ];
    for (const [args, pattern] of cases) assertUsageError(args, pattern);
  });

  test('salvo run tcp:// against salvo serve tcp-echo: every payload comes back, no status codes', async () => {
    const echo = await startTargetProcess('tcp-echo');
    const dir = mkdtempSync(join(tmpdir(), 'salvo-cli-tcp-'));
    try {
      assert.match(echo.url, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      const out = join(dir, 'tcp.json');
      const { status, stdout, stderr } = salvo(
        'run',
        echo.url,
        '--payload',
        'PING\\r\\n',
        '--expect-delimiter',
        '\\r\\n',
        '--rate',
        '200',
        '--duration',
        '1s',
        '--out',
        out,
      );
      assert.equal(status, 0, stderr);
      assert.match(stdout, /tcp:\/\/127\.0\.0\.1/);
      const result = await readResult(out);
      assert.equal(result.summary.requests.sent, 200);
      assert.equal(result.summary.requests.completed, 200);
      assert.deepEqual(result.summary.statusCodes, {});
      assert.equal(result.plan.target.payload, 'PING\\r\\n', 'the plan keeps the escaped text');
      const sized = salvo(
        'run',
        echo.url,
        '--payload',
        '\\x00\\x01\\x02',
        '--expect-bytes',
        '3',
        '--duration',
        '500ms',
        '-c',
        '2',
        '-p',
        '4',
        '--quiet',
        '--out',
        out,
      );
      assert.equal(sized.status, 0, sized.stderr);
      const pipelined = await readResult(out);
      // Every pipelined request comes back, and not at the pace of Nagle's algorithm meeting delayed
      // ACKs (about 40 ms an exchange), which a count in a fixed time would confuse with a busy machine.
      const { sent, completed, failed } = pipelined.summary.requests;
      assert.ok(completed > 0 && completed === sent && failed === 0, JSON.stringify(pipelined.summary.requests));
      assert.ok(pipelined.summary.latencyMs.uncorrected.p50 < 40, `p50 ${pipelined.summary.latencyMs.uncorrected.p50} ms`);
      // --payload-file: the file's bytes as they are, binary included, each echoed back whole.
      const payloadFile = join(dir, 'payload.bin');
      writeFileSync(payloadFile, Buffer.from([0x00, 0xff, 0x0a, 0x5c, 0x78]));
      const fromFile = salvo('run', echo.url, '--payload-file', payloadFile, '--expect-bytes', '5', '--rate', '100', '--duration', '500ms', '--out', out);
      assert.equal(fromFile.status, 0, fromFile.stderr);
      const filed = await readResult(out);
      assert.equal(filed.summary.requests.completed, 50);
      assert.equal(filed.plan.target.payloadFile, payloadFile);
    } finally {
      await echo.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('http:// against an HTTP/2-only (h2c) server: the pre-run check names the protocol mismatch; without it, the summary does', async () => {
    const h2c = await startTargetProcess('http', ['--h2c']);
    try {
      const { port } = new URL(h2c.url);
      const http = `http://127.0.0.1:${port}/echo?x=1`;
      const checked = salvo('run', http, '--rate', '20', '--duration', '500ms');
      assert.equal(checked.status, 2, checked.stderr);
      assert.equal(
        checked.stderr.trim(),
        `salvo: error: 127.0.0.1:${port} answered an HTTP/1.1 request in HTTP/2: it looks like an HTTP/2-only (h2c) server, a protocol mismatch; use h2c://127.0.0.1:${port}/echo?x=1`,
      );
      const unchecked = salvo('run', http, '--rate', '20', '--duration', '500ms', '--no-probe');
      assert.equal(unchecked.status, 0, unchecked.stderr);
      assert.match(unchecked.stdout, /errors {6}closed 10/);
      assert.match(unchecked.stdout, /warning: every request failed as closed .*protocol mismatch.*\(use h2c:\/\/\)/);
      const right = salvo('run', `h2c://127.0.0.1:${port}/`, '--rate', '20', '--duration', '500ms');
      assert.equal(right.status, 0, right.stderr);
      assert.match(right.stdout, /errors {6}none/);
    } finally {
      await h2c.stop();
    }
  });

  test('salvo serve http --tls serves HTTPS; run needs --insecure (or counts tls errors)', async () => {
    const server = spawnPiped(['serve', 'http', '--tls', '--port', '0']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.child.stdout.on('data', () => {
          const match = /listening on (https:\/\/\S+)/.exec(server.output.stdout);
          if (match) resolve(match[1]!);
        });
        void server.exited.then(({ stderr }) => reject(new Error(`serve http --tls exited: ${stderr}`)));
      });
      const secure = salvo('run', `${url}/`, '--insecure', '--rate', '100', '--duration', '500ms');
      assert.equal(secure.status, 0, secure.stderr);
      assert.match(secure.stdout, /status {6}200 50/);
      const strict = salvo('run', `${url}/`, '--rate', '100', '--duration', '500ms');
      assert.equal(strict.status, 0, strict.stderr);
      assert.match(strict.stdout, /errors {6}tls 50/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
