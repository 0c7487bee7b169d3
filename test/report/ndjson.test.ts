import assert from 'node:assert/strict';
import { createHistogram, maxUs } from '../../src/metrics/histogram.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { NdjsonExchangeLog } from '../../src/report/ndjson.js';
import { NO_STATUS } from '../../src/metrics/causes.js';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { FakeClock } from '../../src/time/fake-clock.js';
import { closedPort } from '../support/servers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Runs the CLI without blocking this process's event loop. */
async function salvo(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, stdout, stderr };
}

interface ExchangeLine {
  t: number;
  intendedMs: number;
  latencyMs: number;
  uncorrectedMs: number;
  status?: number;
  serviceMs?: number;
  error?: string;
}

const readLines = (path: string): ExchangeLine[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ExchangeLine);

const decimals = (value: number): number => (String(value).split('.')[1] ?? '').length;

describe('--ndjson against the built-in target', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-ndjson-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('200 req/s for 1 s: 200 lines whose timings agree with the result', async () => {
    const [log, out] = [join(dir, 'all.ndjson'), join(dir, 'all.json')];
    const { status, stdout, stderr } = await salvo('run', target.url, '--rate', '200', '--duration', '1s', '--ndjson', log, '--out', out);
    assert.equal(status, 0, stderr);
    assert.match(stdout, new RegExp(`written: ${log.replaceAll('.', '\\.')}`));
    const lines = readLines(log);
    const result = await readResult(out);
    assert.equal(lines.length, 200);
    const startMs = Date.parse(result.startedAt);
    const endMs = Date.parse(result.endedAt) + 1;
    for (const line of lines) {
      // The built-in target's answers carry their service time (Server-Timing).
      assert.deepEqual(Object.keys(line), ['t', 'intendedMs', 'latencyMs', 'uncorrectedMs', 'status', 'serviceMs']);
      assert.equal(line.status, 200);
      assert.ok(line.serviceMs! >= 0 && line.serviceMs! <= line.uncorrectedMs, `service time within the latency: ${JSON.stringify(line)}`);
      assert.ok(line.t >= startMs && line.t <= endMs, `t ${line.t} within the run`);
      assert.ok(decimals(line.t) <= 3 && decimals(line.intendedMs) <= 3, `${line.t} ${line.intendedMs}: at most 3 decimals`);
      assert.ok(Math.abs(line.t - line.intendedMs - line.latencyMs) < 0.002, `t − intended = latency: ${JSON.stringify(line)}`);
      assert.ok(line.uncorrectedMs <= line.latencyMs);
    }
    const maxLatencyUs = Math.round(Math.max(...lines.map((line) => line.latencyMs)) * 1000);
    // The summary reports the top of the max's histogram bucket, as HdrHistogram does.
    assert.equal(maxUs(histogramHolding(maxLatencyUs)) / 1000, result.summary.latencyMs.corrected.max, 'the same µs the recorder recorded');
  });

  test('--ndjson-sample 0.25 over 400 requests keeps about a quarter', async () => {
    const log = join(dir, 'sampled.ndjson');
    const { status, stderr } = await salvo('run', target.url, '--rate', '400', '--duration', '1s', '--ndjson', log, '--ndjson-sample', '0.25');
    assert.equal(status, 0, stderr);
    const count = readLines(log).length;
    assert.ok(count >= 60 && count <= 140, `${count} lines`);
  });

  test('failures carry their cause: beside the status for 5xx, alone when no answer came', async () => {
    const [serverErrors, refusedLog, refusedOut] = [join(dir, '500.ndjson'), join(dir, 'refused.ndjson'), join(dir, 'refused.json')];
    const answered = await salvo('run', `${target.url}/status/500`, '--rate', '50', '--duration', '400ms', '--ndjson', serverErrors);
    assert.equal(answered.status, 0, answered.stderr);
    const lines = readLines(serverErrors);
    assert.equal(lines.length, 20);
    for (const line of lines) assert.deepEqual([line.status, line.error], [500, 'http5xx']);

    const port = await closedPort();
    const refused = await salvo(
      'run',
      `http://127.0.0.1:${port}/`,
      '--rate',
      '20',
      '--duration',
      '500ms',
      '--no-probe',
      '--ndjson',
      refusedLog,
      '--out',
      refusedOut,
    );
    assert.equal(refused.status, 0, refused.stderr);
    const refusedLines = readLines(refusedLog);
    assert.equal(refusedLines.length, (await readResult(refusedOut)).summary.requests.failed);
    assert.ok(refusedLines.length > 0);
    for (const line of refusedLines) {
      assert.equal(line.error, 'refused');
      assert.equal('status' in line, false);
    }
  });

  test('a write that fails mid-run is one line and exit 2', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async () => {
    const { status, stderr } = await salvo('run', target.url, '--rate', '200', '--duration', '500ms', '--ndjson', '/dev/full');
    assert.equal(status, 2, stderr);
    assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
    assert.match(stderr, /^salvo: error: --ndjson: cannot write "\/dev\/full": ENOSPC/);
  });
});

describe('NdjsonExchangeLog', () => {
  /** 10,000 answers 1 ms apart through a log sampling `fraction`, returning the file's lines. */
  async function logAnswers(path: string, fraction: number): Promise<string[]> {
    const log = new NdjsonExchangeLog(path, fraction, new FakeClock(0, 1_700_000_000_000));
    for (let i = 0; i < 10_000; i++) log.onResponse(i * 1000, i * 1000 + 9.6, i * 1000 + 1500, 200);
    await log.close();
    return readFileSync(path, 'utf8').split('\n').slice(0, -1);
  }

  test('the sample is seeded: the same requests are kept every time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'salvo-ndjson-unit-'));
    try {
      const first = await logAnswers(join(dir, 'a.ndjson'), 0.1);
      const second = await logAnswers(join(dir, 'b.ndjson'), 0.1);
      assert.ok(first.length > 900 && first.length < 1100, `${first.length} lines`);
      assert.deepEqual(second, first);
      const all = await logAnswers(join(dir, 'all.ndjson'), 1);
      assert.equal(all.length, 10_000, 'chunked writes lose nothing');
      assert.equal(all[1], '{"t":1700000000002.5,"intendedMs":1700000000001,"latencyMs":1.5,"uncorrectedMs":1.49,"status":200}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a gRPC call that ended OK is logged as grpc "OK", not as status 0; one that failed names its gRPC status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'salvo-ndjson-grpc-'));
    try {
      const path = join(dir, 'grpc.ndjson');
      const log = new NdjsonExchangeLog(path, 1, new FakeClock(0, 1_700_000_000_000), true);
      log.onResponse(0, 0, 1000, NO_STATUS);
      log.onFailure(0, 0, 2000, 'grpc_UNAVAILABLE');
      await log.close();
      const [ok, failed] = readFileSync(path, 'utf8')
        .split('\n')
        .map((line) => (line ? (JSON.parse(line) as Record<string, unknown>) : undefined));
      assert.equal(ok!.grpc, 'OK');
      assert.equal('status' in ok!, false);
      assert.equal(failed!.error, 'grpc_UNAVAILABLE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function histogramHolding(valueUs: number) {
  const histogram = createHistogram();
  histogram.recordValue(valueUs);
  return histogram;
}
