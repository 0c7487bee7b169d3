import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import { readResult } from '../../src/result/io.js';
import { mergeResults } from '../../src/result/merge.js';
import { run } from '../../src/runner/index.js';
import { startGrpcWorker, WORKER_CALL, WORKER_PROTO } from '../../src/targets/grpc-worker.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { salvoAsync } from '../support/cli.js';

/** The value at `percentile` as HdrHistogram reads it: the smallest value with at least that share of values at or below it. */
function percentileOf(values: number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)]!;
}

/** The --ndjson lines of a run: each answer's latency and the service time it carried. */
const ndjsonLines = (file: string): { latencyMs: number; serviceMs?: number }[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { latencyMs: number; serviceMs?: number });

const within = (actual: number, expected: number, fraction: number): boolean => Math.abs(actual - expected) <= fraction * expected;

describe('E2E slowdown', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-slowdown-'));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('against a target whose service time is known, the slowdown percentiles match latency ÷ service time of the --ndjson lines within 1%', async () => {
    const out = join(dir, 'result.json');
    const ndjson = join(dir, 'requests.ndjson');
    // /delay/5 answers after 5 ms and says so in Server-Timing; 8 connections make some requests queue, so slowdowns spread above 1.
    const outcome = await salvoAsync(
      'run',
      `${target.url}/delay/5`,
      '--rate',
      '300',
      '--duration',
      '2s',
      '--connections',
      '8',
      '--ndjson',
      ndjson,
      '--out',
      out,
    );
    assert.equal(outcome.status, 0, outcome.stderr);
    const lines = ndjsonLines(ndjson);
    const ratios = lines.map((line) => line.latencyMs / line.serviceMs!);
    assert.ok(
      lines.every((line) => line.serviceMs !== undefined && line.serviceMs >= 5),
      'every answer of /delay/5 carries its service time',
    );
    const { summary } = await readResult(out);
    const { slowdown, serviceTimeMs } = summary;
    assert.ok(slowdown && serviceTimeMs, 'slowdown in the summary');
    assert.equal(slowdown.count, lines.length);
    for (const [name, percentile] of [
      ['p50', 50],
      ['p90', 90],
      ['p99', 99],
    ] as const) {
      assert.ok(
        within(slowdown[name], percentileOf(ratios, percentile), 0.01),
        `${name} ${slowdown[name]} vs ${percentileOf(ratios, percentile)} from the lines`,
      );
    }
    const mean = ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length;
    assert.ok(within(slowdown.mean, mean, 0.01), `mean ${slowdown.mean} vs ${mean}`);
    const services = lines.map((line) => line.serviceMs!);
    assert.ok(within(serviceTimeMs.p50, percentileOf(services, 50), 0.01), `service p50 ${serviceTimeMs.p50} vs ${percentileOf(services, 50)}`);
    assert.match(outcome.stdout, /slowdown {4}p50 [\d.]+×/);
  });

  test("gRPC: the worker's server-timing trailer gives every call its slowdown; merged results add the histograms", async () => {
    const worker = await startGrpcWorker();
    try {
      const plan = validatePlan({
        target: { url: worker.url, proto: WORKER_PROTO, call: WORKER_CALL, data: '{"ms": 2}' },
        executor: { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: 1000 },
      });
      const [first, second] = [await run(plan), await run(plan)];
      assert.equal(first!.summary.slowdown?.count, first!.summary.requests.completed);
      assert.ok(first!.summary.serviceTimeMs!.p50 >= 2, `service time p50 ${first!.summary.serviceTimeMs?.p50}`);
      assert.ok(first!.summary.slowdown!.p50 >= 1, `slowdown p50 ${first!.summary.slowdown?.p50}`);
      const merged = mergeResults([first!, second!]);
      assert.equal(merged.summary.slowdown?.count, first!.summary.slowdown!.count + second!.summary.slowdown!.count);
    } finally {
      await worker.close();
    }
  });

  test("gRPC without the trailer (serve grpc-worker --no-server-timing): the reply's serviceMs field gives every call its slowdown, exactly", async () => {
    const worker = await startTargetProcess('grpc-worker', ['--no-server-timing']);
    try {
      const out = join(dir, 'grpc-field.json');
      const ndjson = join(dir, 'grpc-field.ndjson');
      const outcome = await salvoAsync(
        'run',
        worker.url,
        '--proto',
        WORKER_PROTO,
        '--call',
        WORKER_CALL,
        '--data',
        '{"ms": 3}',
        '--rate',
        '100',
        '--duration',
        '1s',
        '--ndjson',
        ndjson,
        '--out',
        out,
      );
      assert.equal(outcome.status, 0, outcome.stderr);
      const lines = ndjsonLines(ndjson);
      assert.ok(
        lines.every((line) => line.serviceMs !== undefined && line.serviceMs >= 3),
        'every reply carries the ms it spun',
      );
      const { slowdown } = (await readResult(out)).summary;
      assert.equal(slowdown?.count, lines.length);
      const ratioP50 = percentileOf(
        lines.map((line) => line.latencyMs / line.serviceMs!),
        50,
      );
      assert.ok(within(slowdown.p50, ratioP50, 0.01), `p50 ${slowdown.p50} vs ${ratioP50} from the lines`);
    } finally {
      await worker.stop();
    }
  });

  test('h2c: the Server-Timing header of an HTTP/2 answer gives its slowdown', async () => {
    const h2c = await startTargetProcess('http', ['--h2c']);
    try {
      const result = await run(
        validatePlan({ target: { url: `${h2c.url}/delay/2` }, executor: { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: 1000 } }),
      );
      assert.equal(result.summary.slowdown?.count, result.summary.requests.completed);
      assert.ok(result.summary.serviceTimeMs!.p50 >= 2);
    } finally {
      await h2c.stop();
    }
  });

  test('answers without a service time leave slowdown absent, not zero', async () => {
    const server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const result = await run(validatePlan({ target: { url }, executor: { type: 'constant-arrival-rate', ratePerSec: 50, durationMs: 500 } }));
      assert.equal(result.summary.requests.completed, 25);
      assert.equal(result.summary.slowdown, undefined);
      assert.equal(result.summary.serviceTimeMs, undefined);
      assert.equal(result.histograms.slowdown, undefined);
      assert.doesNotMatch(renderSummary(result).join('\n'), /slowdown/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
