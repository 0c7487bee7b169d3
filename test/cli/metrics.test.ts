import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { readResult } from '../../src/result/io.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError } from '../support/cli.js';
import { readDashboardStream, sendControl } from '../support/dashboard-stream.js';
import { startSalvo } from '../support/salvo-process.js';
import { closedPort } from '../support/servers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** The value of each sample line whose name and labels start with `prefix`, added up. */
function total(text: string, prefix: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Scrapes until `done` holds of the text, or salvo has exited (then the last text is returned as it is). */
async function scrapeUntil(url: string, exited: () => boolean, done: (text: string) => boolean): Promise<string> {
  let text = '';
  while (!done(text) && !exited()) {
    text = await fetch(url).then(
      (response) => response.text(),
      () => '',
    );
    if (!done(text)) await sleep(100);
  }
  return text;
}

const FINISHED = /^salvo_run_finished\{[^}]*\} 1$/m;
const runFinished = (text: string): boolean => FINISHED.test(text);

const targetRateIn = (text: string): number | undefined => {
  const match = /^salvo_target_rate\{[^}]*\} (\S+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
};

describe('salvo run --metrics', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-metrics-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('bad values of --metrics and --metrics-linger, and a taken port, are one-line usage errors', async () => {
    assertUsageError(['run', target.url, '--metrics', 'nohost'], /--metrics.*not host:port/);
    assertUsageError(['run', target.url, '--metrics', '127.0.0.1:99999'], /--metrics.*not host:port/);
    assertUsageError(['run', target.url, '--metrics', '--metrics-linger', 'soon'], /--metrics-linger/);
    assertUsageError(['run', target.url, '--metrics-linger', '5s'], /--metrics-linger applies only with --metrics/);
    assertUsageError(['run', target.url, '--metrics-push', 'gateway'], /--metrics-push.*"gateway" is not a Pushgateway's address/);
    assertUsageError(['run', target.url, '--metrics-push', 'ftp://127.0.0.1:9091'], /--metrics-push.*not a Pushgateway's address/);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      assertUsageError(['run', target.url, '-d', '1s', '--metrics', `127.0.0.1:${port}`], new RegExp(`--metrics 127.0.0.1:${port}: port ${port} is in use`));
    } finally {
      taken.close();
    }
    const plan = join(dir, 'bad-metrics.yaml');
    writeFileSync(
      plan,
      `target: { url: "${target.url}" }\nexecutor: { type: constant-arrival-rate, ratePerSec: 10, durationMs: 1000 }\nrun: { metrics: "here" }\n`,
    );
    assertUsageError(['run', plan], /run\.metrics: "here" is not host:port/);
  });

  test('with --workers 2, the coordinating process serves the whole run: after it, the counts of its result', async () => {
    const port = await closedPort();
    const out = join(dir, 'workers.json');
    const args = ['run', target.url, '--rate', '200', '-d', '2s', '-c', '4', '--workers', '2', '--metrics', `127.0.0.1:${port}`, '--metrics-linger', '5m'];
    const child = spawn(process.execPath, [MAIN, ...args, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = once(child, 'exit');
    // Scraped until it says the run has finished: that scrape also ends the linger, and the process.
    const last = await scrapeUntil(`http://127.0.0.1:${port}/metrics`, () => child.exitCode !== null, runFinished);
    assert.match(last, FINISHED, `exited before a scrape after the run:\n${output}`);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, output);
    // That scrape may come before salvo waits for one (while it writes the result): it still counts.
    assert.doesNotMatch(output, /no scrape came after the run/);
    const result = await readResult(out);
    assert.equal(total(last, 'salvo_requests_total{'), result.summary.requests.completed + result.summary.requests.failed);
    assert.equal(total(last, 'salvo_sent_total{'), result.summary.requests.sent);
    assert.equal(total(last, 'salvo_latency_seconds_count{'), result.summary.latencyMs.corrected.count);
    assert.match(last, new RegExp(`run_id="${result.runId}"`));
  });

  test('--metrics-push: the final counts of the result reach a Pushgateway, grouped by the run id', async () => {
    const pushes: { method: string; path: string; body: string }[] = [];
    const gateway = createHttpServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        pushes.push({ method: request.method!, path: request.url!, body });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const { port } = gateway.address() as AddressInfo;
    try {
      const out = join(dir, 'pushed.json');
      // Shorter than the push interval: the push at the end is the one that counts.
      const run = startSalvo('run', `${target.url}/`, '-r', '100', '-d', '2s', '--metrics-push', `http://127.0.0.1:${port}`, '--out', out);
      assert.equal(await run.exited, 0, run.output().stderr);
      const result = await readResult(out);
      const last = pushes.at(-1)!;
      assert.deepEqual({ method: last.method, path: last.path }, { method: 'PUT', path: `/metrics/job/salvo/run_id/${result.runId}` });
      assert.match(last.body, FINISHED);
      assert.equal(total(last.body, 'salvo_requests_total{'), result.summary.requests.completed + result.summary.requests.failed);
      assert.equal(total(last.body, 'salvo_latency_seconds_count{'), result.summary.latencyMs.corrected.count);
      assert.match(run.output().stdout, /pushed the final counts to http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/salvo\/run_id\//);
    } finally {
      gateway.close();
    }
  });

  test('--metrics-push to a gateway that is not there: the run and its result stand, with a warning', async () => {
    const out = join(dir, 'unpushed.json');
    const run = startSalvo('run', `${target.url}/`, '-r', '50', '-d', '1s', '--metrics-push', `http://127.0.0.1:${await closedPort()}`, '--out', out);
    assert.equal(await run.exited, 0, run.output().stderr);
    assert.match(
      run.output().stderr,
      /^salvo: warning: the final counts did not reach http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/salvo\/run_id\/\S+ \(.*ECONNREFUSED.*\); the result file has them\n$/,
    );
    assert.equal((await readResult(out)).summary.requests.sent, 50);
  });

  test('salvo_target_rate follows the rate set from the dashboard, to the last scrape', async () => {
    const port = await closedPort();
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    const out = join(dir, 'steered.json');
    // Stopped from the dashboard long before its end.
    const run = startSalvo('run', `${target.url}/`, '-r', '100', '-d', '120s', '--dashboard', '127.0.0.1:0', '--metrics', `127.0.0.1:${port}`, '--out', out);
    const exited = () => run.child.exitCode !== null;
    try {
      const [, dashboardUrl] = await run.line(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)\n/m);
      const seen: (number | undefined)[] = [];
      await readDashboardStream(dashboardUrl!, async ({ event, data }) => {
        if (event !== 'frame' || data.elapsedSeconds !== 1) return;
        seen.push(targetRateIn(await scrapeUntil(metricsUrl, exited, (text) => text !== '')));
        assert.equal((await sendControl(dashboardUrl!, { what: 'rate', value: 250 })).status, 200);
        seen.push(targetRateIn(await scrapeUntil(metricsUrl, exited, (text) => text !== '')));
        assert.equal((await sendControl(dashboardUrl!, { what: 'stop' })).status, 200);
      });
      assert.deepEqual(seen, [100, 250]);
      const last = await scrapeUntil(metricsUrl, exited, runFinished);
      assert.equal(targetRateIn(last), 250, `the final scrape:\n${last}`);
      assert.equal(await run.exited, 0, run.output().stderr);
      assert.deepEqual(
        (await readResult(out)).events?.map(({ what, to }) => `${what} ${to}`),
        ['rate 250', 'stop null'],
      );
    } finally {
      await run.kill();
    }
  });
});
