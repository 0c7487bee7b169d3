import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { closedPort } from '../support/servers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const salvo = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });

/** One line on stderr, exit 2, no stack trace. */
function assertUsageError(args: string[], pattern: RegExp): void {
  const { status, stderr } = salvo(...args);
  assert.equal(status, 2, `exit code for ${args.join(' ')}: ${stderr}`);
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

describe('salvo CLI', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-cli-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('bad input: one line naming the problem, exit 2', async () => {
    const port = await closedPort();
    const cases: [string[], RegExp][] = [
      [['run', 'not a url'], /url: not a valid URL/],
      [['run', 'ftp://127.0.0.1/'], /unsupported scheme "ftp:"/],
      [['run', target.url, '--rate', 'abc'], /--rate.*"abc" is not a rate/],
      [['run', target.url, '--rate', '0'], /"0" must be greater than 0/],
      [['run', target.url, '--rate', '-5'], /--rate/],
      [['run', target.url, '--duration', '10x'], /"10x" is not a duration/],
      [['run', target.url, '--connections', '0'], /"0" must be at least 1/],
      [['run', target.url, '--arrival', 'zigzag'], /--arrival.*zigzag/],
      [['run', target.url, '--bogus'], /unknown option '--bogus'/],
      [['run', target.url, '--seed', '5'], /--seed applies only to --arrival poisson/],
      [['run', target.url, '--rate', '10', '--pipelining', '2'], /--pipelining applies only to max throughput/],
      [['run', target.url, '-H', 'no colon here'], /not a header/],
      [['run', `http://127.0.0.1:${port}/`, '--duration', '1s'], /cannot reach 127\.0\.0\.1:\d+: connection refused/],
      [['run', 'http://no-such-host.invalid/'], /cannot resolve host "no-such-host.invalid"/],
      [['run', target.url, '--out', '/nonexistent-dir/result.json'], /--out: cannot write.*directory does not exist/],
      [['run', target.url, '--out', dir], /--out: cannot write.*is a directory/],
      [['run', target.url, '--body-file', join(dir, 'missing.txt'), '--duration', '1s'], /cannot read body file/],
      [['run'], /missing required argument 'url'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['serve', 'http', '--port', '70000'], /not a port/],
      [['report', join(dir, 'missing.json')], /cannot read result ".*missing.json": ENOENT/],
      [['report', MAIN], /cannot read result/],
      [['report', join(dir, 'missing.json'), '--out', '/nonexistent-dir/x.json'], /--out: cannot write/],
    ];
    for (const [args, pattern] of cases) assertUsageError(args, pattern);
  });

  test('--help works on every command and exits 0', () => {
    for (const args of [['--help'], ['run', '--help'], ['report', '--help'], ['serve', '--help'], ['serve', 'http', '--help'], ['demo', '--help']]) {
      const { status, stdout } = salvo(...args);
      assert.equal(status, 0, args.join(' '));
      assert.match(stdout, /Usage: salvo/);
    }
  });

  test('a run writes a result whose histograms decode to the counts it reports', async () => {
    const out = join(dir, 'result.json');
    const { status, stdout, stderr } = salvo('run', target.url, '--rate', '200', '--duration', '1s', '--arrival', 'poisson', '--seed', '7', '--out', out);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /achieved/);
    const result = await readResult(out);
    assert.equal(result.plan.executor.type, 'poisson-arrival-rate');
    const corrected = decodeHistogram(result.histograms.corrected);
    const uncorrected = decodeHistogram(result.histograms.uncorrected);
    assert.equal(corrected.totalCount, result.summary.requests.completed);
    assert.equal(uncorrected.totalCount, result.summary.requests.completed);
    assert.equal(corrected.getValueAtPercentile(99) / 1000, result.summary.latencyMs.corrected.p99);
    const perSecond = result.series.reduce((sum, second) => sum + decodeHistogram(second.histogram).totalCount, 0);
    assert.equal(perSecond, result.summary.requests.completed, 'the per-second histograms add up to the whole');
    assert.equal(result.series.reduce((sum, second) => sum + second.sent, 0), result.summary.requests.sent);

    const copy = join(dir, 'copy.json');
    const report = salvo('report', out, '--out', copy);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /poisson-arrival-rate 200\/s for 1s \(seed 7\)/);
    assert.deepEqual(await readResult(copy), result);
  });

  for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    test(`${signal} mid-run still writes the result, marked interrupted, and exits ${exitCode}`, async () => {
      const out = join(dir, `interrupted-${signal}.json`);
      const child = spawn(process.execPath, [MAIN, 'run', target.url, '--rate', '200', '--duration', '30s', '--out', out], { stdio: 'pipe' });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, exitCode);
      assert.ok(existsSync(out));
      const result = await readResult(out);
      assert.equal(result.interrupted, true);
      assert.equal(result.interruptReason, signal);
      assert.ok(result.summary.requests.sent > 100, `sent ${result.summary.requests.sent}`);
      assert.ok(result.durationMs < 10_000);
      assert.match(stdout, new RegExp(`interrupted \\(${signal}\\)`));
    });
  }

  test('readResult refuses a file that is not a salvo result', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, '{"hello": 1}');
    await assert.rejects(readResult(path), /is not a salvo result/);
  });
});
