// A real Prometheus scrapes `salvo run --metrics` during a 15 s run: what it stored matches the result.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { BUCKET_BOUNDS_SECONDS } from '../../src/report/prometheus/buckets.js';
import type { RunResult } from '../../src/result/types.js';
import { closedPort } from '../support/servers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
/** A safety net against a hung wait: generous, since a busy machine slows every process down. */
const WAIT_LIMIT_MS = 120_000;

interface Child {
  process: ChildProcess;
  output: () => string;
}

function start(command: string, args: string[]): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { process: child, output: () => output };
}

/** Resolves with the first match of `pattern` in the child's output; rejects if it exits first. */
function lineOf(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const look = (): void => {
      const match = pattern.exec(child.output());
      if (match) resolve(match);
    };
    child.process.stdout!.on('data', look);
    child.process.stderr!.on('data', look);
    child.process.once('exit', (code) => reject(new Error(`exited ${code} before printing ${pattern}:\n${child.output()}`)));
    look();
  });
}

async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGKILL');
  await once(child.process, 'exit');
}

/** Asks until `ready` says yes: readiness polled, with no deadline but the safety net. */
async function until<T>(what: string, ready: () => Promise<T | undefined>): Promise<T> {
  const startedMs = Date.now();
  for (let pauseMs = 50; Date.now() - startedMs < WAIT_LIMIT_MS; pauseMs = Math.min(500, pauseMs * 2)) {
    const value = await ready().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(pauseMs);
  }
  throw new Error(`${what}: not within ${WAIT_LIMIT_MS / 1000}s`);
}

/** One PromQL instant query's single value, or undefined when it has none. */
async function queryValue(apiPort: number, promql: string): Promise<number | undefined> {
  const response = await fetch(`http://127.0.0.1:${apiPort}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; data: { result: { value: [number, string] }[] } };
  assert.equal(body.status, 'success', promql);
  const [first] = body.data.result;
  return first === undefined ? undefined : Number(first.value[1]);
}

/** The bounds of the bucket holding `seconds` and of its neighbours: (lowest, highest]. */
function oneBucketAround(seconds: number): { lowest: number; highest: number } {
  const index = BUCKET_BOUNDS_SECONDS.findIndex((bound) => seconds <= bound);
  return { lowest: BUCKET_BOUNDS_SECONDS[index - 2] ?? 0, highest: BUCKET_BOUNDS_SECONDS[index + 1] ?? Infinity };
}

test('Prometheus scraping --metrics every second holds the result’s request count (±1%) and its p99 within one bucket', {
  skip: existsSync(PROMETHEUS) ? false : `no Prometheus at ${PROMETHEUS}: apt-get install prometheus`,
}, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-prometheus-'));
  const children: Child[] = [];
  try {
    const target = start(process.execPath, [MAIN, 'serve', 'http', '--port', '0']);
    children.push(target);
    const [, targetUrl] = await lineOf(target, /listening on (\S+)\n/);
    const metricsPort = await closedPort();
    const apiPort = await closedPort();
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: salvo',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${metricsPort}']`,
        '',
      ].join('\n'),
    );
    const prometheus = start(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${apiPort}`,
    ]);
    children.push(prometheus);
    await until('Prometheus ready', async () => ((await fetch(`http://127.0.0.1:${apiPort}/-/ready`)).ok ? true : undefined));

    const out = join(dir, 'result.json');
    const run = start(process.execPath, [
      MAIN,
      'run',
      `${targetUrl}/`,
      '--rate',
      '200',
      '-d',
      '15s',
      '--metrics',
      `127.0.0.1:${metricsPort}`,
      '--metrics-linger',
      '2m',
      '--progress',
      '1s',
      '--out',
      out,
    ]);
    children.push(run);
    const [, runId] = await lineOf(run, /metrics for Prometheus at \S+ \(run_id (\S+)\)/);
    const ofRun = `run_id="${runId}"`;
    // A first successful scrape, while the load goes on.
    await until('a scrape during the run', () => queryValue(apiPort, `salvo_run_finished{${ofRun}} == 0`));
    const [code] = (await once(run.process, 'exit')) as [number | null];
    assert.equal(code, 0, run.output());
    assert.doesNotMatch(run.output(), /no scrape came after the run/);
    const result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    assert.equal(result.runId, runId, 'the result carries the run id the series are labelled with');

    // The final scrape (the process has gone since: range functions read past its staleness markers).
    await until('the final scrape', () => queryValue(apiPort, `max_over_time(salvo_run_finished{${ofRun}}[10m]) == 1`));
    const requests = await queryValue(apiPort, `sum(max_over_time(salvo_requests_total{${ofRun}}[10m]))`);
    const resultRequests = result.summary.requests.completed + result.summary.requests.failed;
    assert.ok(resultRequests >= 2000, `a 15 s run at 200/s answered ${resultRequests}`);
    assert.ok(requests !== undefined && Math.abs(requests - resultRequests) <= resultRequests * 0.01, `Prometheus ${requests}, result ${resultRequests}`);

    const p99 = await queryValue(apiPort, `histogram_quantile(0.99, sum by (le) (max_over_time(salvo_latency_seconds_bucket{${ofRun}}[10m])))`);
    const resultP99 = result.summary.latencyMs.corrected.p99 / 1000;
    const { lowest, highest } = oneBucketAround(resultP99);
    t.diagnostic(`requests: Prometheus ${requests}, result ${resultRequests}; p99: Prometheus ${p99}s, result ${resultP99}s`);
    assert.ok(p99 !== undefined && p99 > lowest && p99 <= highest, `Prometheus p99 ${p99}s, result ${resultP99}s: within (${lowest}, ${highest}]`);
  } finally {
    for (const child of children.reverse()) await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
});
