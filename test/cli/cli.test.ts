import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { HistogramLogReader } from 'hdr-histogram-js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo } from '../support/cli.js';
import { closedPort } from '../support/servers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Starts salvo with stdout piped (not a terminal) and no color settings inherited from this environment. */
function spawnPiped(args: string[]) {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = once(child, 'close').then(([status]) => ({ status: status as number | null, ...output }));
  return { child, output, exited };
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
      [['run', target.url, '--arrival', 'uniform'], /--arrival uniform needs --rate/],
      [['run', target.url, '--warmup', 'soon'], /--warmup.*"soon" is not a duration/],
      [['run', target.url, '--warmup', '0s'], /--warmup.*"0s" must be longer than zero/],
      [['run', target.url, '--duration', '2s', '--warmup', '3s'], /warmupMs: the warm-up \(3000 ms\) must be shorter than the run \(2000 ms\)/],
      [['run', target.url, '--jit', 'fast'], /--jit.*fast.*auto, steady, peak/],
      [['run', target.url, '--bogus'], /unknown option '--bogus'/],
      [['run', target.url, '--seed', '5'], /--seed applies only to --arrival poisson/],
      [['run', target.url, '--rate', '10', '--pipelining', '2'], /--pipelining applies only to max throughput/],
      [['run', target.url, '-H', 'no colon here'], /not a header/],
      [['run', `http://127.0.0.1:${port}/`, '--duration', '1s'], /cannot reach 127\.0\.0\.1:\d+: connection refused/],
      [['run', 'http://no-such-host.invalid/'], /cannot resolve host "no-such-host.invalid"/],
      [['run', target.url, '--out', '/nonexistent-dir/result.json'], /--out: cannot write.*directory does not exist/],
      [['run', target.url, '--out', dir], /--out: cannot write.*is a directory/],
      [['run', target.url, '--body-file', join(dir, 'missing.txt'), '--duration', '1s'], /cannot read body file/],
      [['run'], /missing required argument 'url-or-plan'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['serve', 'http', '--port', '70000'], /not a port/],
      [['report', join(dir, 'missing.json')], /cannot read result ".*missing.json": ENOENT/],
      [['report', MAIN], /cannot read result/],
      [['report', join(dir, 'missing.json'), '--out', '/nonexistent-dir/x.json'], /--out: cannot write/],
      [['run', target.url, '--ndjson', join(dir, 'x.ndjson'), '--ndjson-sample', '0'], /--ndjson-sample.*"0" is not a fraction above 0 and at most 1/],
      [['run', target.url, '--ndjson', join(dir, 'x.ndjson'), '--ndjson-sample', '1.5'], /--ndjson-sample.*"1.5" is not a fraction/],
      [['run', target.url, '--ndjson', join(dir, 'x.ndjson'), '--ndjson-sample', 'abc'], /--ndjson-sample.*"abc" is not a fraction/],
      [['run', target.url, '--ndjson-sample', '0.5'], /--ndjson-sample applies only with --ndjson/],
      [['run', target.url, '--ndjson', '/nonexistent-dir/x.ndjson'], /--ndjson: cannot write.*directory does not exist/],
      [['run', target.url, '--csv', dir], /--csv: cannot write.*is a directory/],
      [['report', join(dir, 'missing.json'), '--ndjson', join(dir, 'x.ndjson')], /unknown option '--ndjson'/],
      [['run', target.url, '--threshold', 'p99<<3'], /--threshold.*threshold "p99<<3": expected a number after "<"$/],
      [['run', target.url, '--threshold', 'p98<5ms'], /threshold "p98<5ms": unknown metric "p98"/],
      [['run', target.url, '--threshold', 'errors<5ms'], /threshold "errors<5ms": errors takes a count \(5\) or a percentage \(1%\), not "ms"$/],
      [['run', target.url, '--threshold', 'rate>=0.99*target'], /thresholds\[0\]\.expression: threshold "rate>=0\.99\*target": "target" needs a target rate/],
      [['run', target.url, '--abort-on-fail'], /--abort-on-fail needs at least one --threshold/],
      [['run', target.url, '--progress', '0s'], /--progress.*"0s" must be longer than zero/],
      [['run', target.url, '--progress', 'soon'], /--progress.*"soon" is not a duration/],
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

  test('--help prints the defaults of duration flags in the units the flags take (10s, not 10000)', () => {
    for (const command of ['run', 'capacity', 'coordinate']) {
      const { stdout } = salvo(command, '--help');
      const durationFlags = stdout.split(/\n(?= {2}-)/).filter((entry) => entry.includes('<duration>') && entry.includes('(default:'));
      assert.ok(durationFlags.length > 0, command);
      for (const entry of durationFlags) assert.match(entry.replace(/\s+/g, ' '), /\(default: \d+(?:ms|s|m|h)\)/, entry);
    }
    assert.match(salvo('run', '--help').stdout.replace(/\s+/g, ' '), /--duration <duration> how long to send \(500ms, 30s, 2m\) \(default: 10s\)/);
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
    assert.equal(
      result.series.reduce((sum, second) => sum + second.sent, 0),
      result.summary.requests.sent,
    );

    const copy = join(dir, 'copy.json');
    const report = salvo('report', out, '--out', copy);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /poisson-arrival-rate 200\/s for 1s \(seed 7\)/);
    assert.deepEqual(await readResult(copy), result);
  });

  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal} mid-run still writes the result, marked interrupted, and exits ${exitCode}`, async () => {
      const out = join(dir, `interrupted-${signal}.json`);
      const child = spawn(process.execPath, [MAIN, 'run', target.url, '--rate', '200', '--duration', '30s', '--progress', '1s', '--out', out], {
        stdio: 'pipe',
      });
      let stdout = '';
      // Signal once the first progress line shows the run is under way: a fixed sleep is too short on a busy machine.
      await new Promise<void>((resolve) =>
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (/\d+\/s/.test(stdout)) resolve();
        }),
      );
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, exitCode);
      assert.ok(existsSync(out));
      const result = await readResult(out);
      assert.equal(result.interrupted, true);
      assert.equal(result.interruptReason, signal);
      assert.ok(result.summary.requests.sent > 0, `sent ${result.summary.requests.sent}`);
      assert.ok(result.durationMs < 10_000);
      assert.match(stdout, new RegExp(`interrupted \\(${signal}\\)`));
    });
  }

  test('--csv and --hlog come out the same from salvo run and from salvo report', async () => {
    const [out, csv, hlog] = [join(dir, 'series.json'), join(dir, 'run.csv'), join(dir, 'run.hlog')];
    const run = salvo('run', target.url, '--rate', '100', '--duration', '1500ms', '--out', out, '--csv', csv, '--hlog', hlog);
    assert.equal(run.status, 0, run.stderr);
    const result = await readResult(out);
    const rows = readFileSync(csv, 'utf8').split('\r\n');
    assert.equal(rows[0], 'second,start,sent,completed,failed,dropped,p50_ms,p99_ms,max_ms');
    assert.equal(rows.length, result.series.length + 2, 'header, one row per second, final CRLF');
    let logged = 0;
    const reader = new HistogramLogReader(readFileSync(hlog, 'utf8'));
    for (let interval = reader.nextIntervalHistogram(); interval !== null; interval = reader.nextIntervalHistogram()) logged += interval.totalCount;
    assert.equal(logged, result.summary.latencyMs.corrected.count);

    const report = salvo('report', out, '--csv', join(dir, 'report.csv'), '--hlog', join(dir, 'report.hlog'));
    assert.equal(report.status, 0, report.stderr);
    assert.equal(readFileSync(join(dir, 'report.csv'), 'utf8'), readFileSync(csv, 'utf8'));
    assert.equal(readFileSync(join(dir, 'report.hlog'), 'utf8'), readFileSync(hlog, 'utf8'));
  });

  test('thresholds that pass exit 0, each shown with ✓', async () => {
    const { status, stdout, stderr } = await spawnPiped([
      'run',
      target.url,
      '--rate',
      '100',
      '--duration',
      '1s',
      '--threshold',
      'p99<5s',
      '--threshold',
      'errors==0',
      '--threshold',
      'rate>=0.5*target',
    ]).exited;
    assert.equal(status, 0, stderr);
    for (const expression of ['p99<5s', 'errors==0', 'rate>=0.5\\*target']) assert.match(stdout, new RegExp(`^ {4}✓ ${expression} `, 'm'));
    assert.doesNotMatch(stdout, /✗/);
  });

  test('a failing threshold exits 99 with its ✗ line, and the result records it', async () => {
    const out = join(dir, 'failed-threshold.json');
    const { status, stdout, stderr } = await spawnPiped([
      'run',
      target.url,
      '--rate',
      '100',
      '--duration',
      '1s',
      '--threshold',
      'p50<0.001ms',
      '--threshold',
      'errors==0',
      '--out',
      out,
    ]).exited;
    assert.equal(status, 99, stderr);
    assert.match(stdout, /^ {4}✗ p50<0\.001ms +\d/m);
    assert.match(stdout, /^ {4}✓ errors==0 +0$/m);
    const result = await readResult(out);
    assert.equal(result.interrupted, false);
    assert.deepEqual(
      result.thresholds?.map(({ expression, passed, unit }) => [expression, passed, unit]),
      [
        ['p50<0.001ms', false, 'ms'],
        ['errors==0', true, 'count'],
      ],
    );
    assert.equal(result.thresholds?.[0]?.actual, result.summary.latencyMs.corrected.p50);
  });

  test('--abort-on-fail ends a 30 s run at the first failing second, exit 99, result marked interrupted by the threshold', async () => {
    const out = join(dir, 'aborted.json');
    const { status, stdout, stderr } = await spawnPiped([
      'run',
      target.url,
      '--rate',
      '200',
      '--duration',
      '30s',
      '--threshold',
      'p50<0.001ms',
      '--abort-on-fail',
      '--out',
      out,
    ]).exited;
    assert.equal(status, 99, stderr);
    assert.match(stdout, /interrupted \(threshold\)/);
    assert.match(stdout, /✗ p50<0\.001ms .* in 0s-1s, which ended the run/);
    const result = await readResult(out);
    assert.equal(result.interrupted, true);
    assert.equal(result.interruptReason, 'threshold');
    assert.deepEqual(
      result.thresholds?.map(({ passed, second, abortedRun }) => ({ passed, second, abortedRun })),
      [{ passed: false, second: 0, abortedRun: true }],
    );
    // Timed by the run itself, not by the wall clock around the process, which a busy machine stretches.
    assert.ok(result.durationMs < 15_000, `ran for ${result.durationMs} ms of its 30 s`);
  });

  test('without a terminal, progress is a plain line per --progress interval', async () => {
    const { status, stdout, stderr } = await spawnPiped(['run', target.url, '--rate', '100', '--duration', '3s', '--progress', '1s']).exited;
    assert.equal(status, 0, stderr);
    const progressLines = stdout.split('\n').filter((line) => /^\[\d+s of 3s, /.test(line));
    assert.ok(progressLines.length >= 2, stdout);
    assert.ok(!stdout.includes('\x1b'), 'no escape codes in a pipe');
  });

  test('--quiet prints no progress and no summary', async () => {
    const { status, stdout, stderr } = await spawnPiped(['run', target.url, '--rate', '100', '--duration', '2s', '--progress', '1s', '--quiet']).exited;
    assert.equal(status, 0, stderr);
    assert.equal(stdout, '');
  });

  test('SIGINT on a run with a failing threshold still exits 130: a stopped run is not judged', async () => {
    const run = spawnPiped(['run', target.url, '--rate', '100', '--duration', '30s', '--progress', '1s', '--threshold', 'p50<0.001ms']);
    // The first progress line says the run is under way, so no fixed sleep is needed.
    await new Promise<void>((resolve, reject) => {
      run.child.stdout.on('data', () => run.output.stdout.includes('[1s of 30s') && resolve());
      void run.exited.then(({ stderr }) => reject(new Error(`salvo exited before its first progress line: ${stderr}`)));
    });
    run.child.kill('SIGINT');
    const { status, stdout } = await run.exited;
    assert.equal(status, 130);
    assert.match(stdout, /thresholds {2}not judged: the run was interrupted \(SIGINT\)/);
    assert.doesNotMatch(stdout, /✗/);
  });

  test('readResult refuses a file that is not a salvo result', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, '{"hello": 1}');
    await assert.rejects(readResult(path), /is not a salvo result/);
  });
});
