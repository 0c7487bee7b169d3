#!/usr/bin/env node
// What the live dashboard costs the generator, two ways:
// 1. `salvo run` at 5,000 req/s with and without `--dashboard` (a page's stream connected all along),
//    alternated round by round so both see the same machine, compared by the generator's CPU time per
//    1,000 requests sent (the result's own CPU figure), which a machine too busy to keep the rate skews less.
// 2. The dashboard's own work in this process: CPU time per published second (a frame built from a
//    second of 5,000 answers, its two histograms decoded, the JSON sent to one connected stream), as a share
//    of the CPU a second of the 5k runs without dashboard took. CPU time, not wall time: it holds on a busy machine.
//
//   node bench/dashboard.mjs [URL]     URL: a running target; default: `salvo serve http` pinned to CPU 0
//
// BENCH_ROUNDS (default 3), BENCH_RATE_SECONDS (default 10) and BENCH_DASHBOARD_RATE (default 5000)
// change the runs. The generator is pinned to CPU 1 when taskset is there.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { answering, pinned } from './machine.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '..', 'dist/src/cli/main.js');
const DIST = path.join(HERE, '..', 'dist/src');
const PUBLISHES = Number(process.env.BENCH_DASHBOARD_PUBLISHES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_DASHBOARD_RATE ?? 5000);
const TARGET_PORT = 18192;
const DASHBOARD_PORT = 18193;
const log = (line) => process.stderr.write(`${line}\n`);

/** Reads the dashboard's stream as a page would, until the run ends it; resolves with the seconds it got. */
async function watch(port) {
  await answering(port);
  const response = await fetch(`http://127.0.0.1:${port}/stream`);
  let frames = 0;
  const decoder = new TextDecoder();
  for await (const chunk of response.body) frames += decoder.decode(chunk, { stream: true }).split('event: frame\n').length - 1;
  return frames;
}

/** One run; with `dashboard`, a stream is connected to it for the whole run. */
async function salvo(url, dashboard, round) {
  const out = path.join(HERE, 'results', `dashboard-${dashboard ? 'on' : 'off'}-${round}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const argv = pinned('1', [
    process.execPath,
    CLI,
    'run',
    url,
    '--rate',
    String(RATE),
    '-d',
    `${SECONDS}s`,
    '-c',
    '50',
    '--quiet',
    '--out',
    out,
    ...(dashboard ? ['--dashboard', `127.0.0.1:${DASHBOARD_PORT}`] : []),
  ]);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const watched = dashboard ? watch(DASHBOARD_PORT) : Promise.resolve(undefined);
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`salvo exited ${code}: ${stderr}`);
  const frames = await watched;
  const { summary, durationMs } = JSON.parse(fs.readFileSync(out, 'utf8'));
  const cpuSeconds = (summary.generator.cpuPercent / 100) * (durationMs / 1000);
  return { cpuSeconds, cpuMsPer1k: (cpuSeconds * 1e6) / Math.max(1, summary.requests.sent), achieved: summary.rate.achieved, frames };
}

/** CPU µs of one published second, with one stream connected and reading. */
async function publishCostUs() {
  const { validatePlan } = await import(path.join(DIST, 'plan/index.js'));
  const { Recorder } = await import(path.join(DIST, 'metrics/recorder.js'));
  const { ProgressFrames } = await import(path.join(DIST, 'report/progress-frames.js'));
  const { Steering } = await import(path.join(DIST, 'report/dashboard/steering.js'));
  const { startDashboard } = await import(path.join(DIST, 'report/dashboard/server.js'));
  const plan = validatePlan({
    target: { url: 'http://127.0.0.1:9/' },
    executor: { type: 'constant-arrival-rate', ratePerSec: RATE, durationMs: 600_000 },
    thresholds: [{ expression: 'p99<250ms' }, { expression: 'errors<1%' }],
  });
  // One second as a 5k run closes it: 5,000 answers of spread latencies, a few failures, announced as
  // to a dashboard (with its uncorrected latencies).
  const announced = [];
  const recorder = new Recorder(0, Date.now(), (sample) => announced.push(sample));
  recorder.announceUncorrected();
  for (let index = 0; index < RATE; index++) {
    const intendedUs = Math.floor((index * 1e6) / RATE);
    recorder.recordSent(intendedUs + 50, intendedUs);
    if (index % 500 === 0) recorder.recordFailure(intendedUs, intendedUs + 900, 'timeout');
    else recorder.recordResponse(intendedUs, intendedUs + 50, Math.min(999_999, intendedUs + 200 + ((index * 7919) % 40_000)), 200);
  }
  recorder.finish(1_000_000);
  const [second] = announced;
  const steering = new Steering(plan);
  const dashboard = await startDashboard({ host: '127.0.0.1', port: 0, plan, steering });
  const reader = await new Promise((resolve) => http.get(new URL('/stream', dashboard.url), (response) => resolve(response.resume())));
  const frames = new ProgressFrames(plan);
  const publish = (index) => dashboard.publish(frames.next({ ...second, second: index, startEpochMs: second.startEpochMs + index * 1000 }, { inFlight: 40 }));
  for (let index = 0; index < 100; index++) publish(index); // warm up
  const before = process.cpuUsage();
  for (let index = 100; index < 100 + PUBLISHES; index++) {
    publish(index);
    // Let the socket write, as the run's event loop would between seconds.
    if (index % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(before);
  reader.destroy();
  await dashboard.close();
  return (used.user + used.system) / PUBLISHES;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  let url = process.argv[2];
  let server;
  if (!url) {
    const argv = pinned('0', [process.execPath, CLI, 'serve', 'http', '--port', String(TARGET_PORT)]);
    server = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
    url = `http://127.0.0.1:${TARGET_PORT}/`;
    await answering(TARGET_PORT);
  }
  const rows = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first, so a machine growing busier does not favour one side.
      const order = round % 2 === 1 ? [false, true] : [true, false];
      const row = { round };
      for (const dashboard of order) {
        log(`round ${round}/${ROUNDS}: ${RATE} req/s for ${SECONDS}s, dashboard ${dashboard ? 'on, a stream connected' : 'off'}`);
        row[dashboard ? 'on' : 'off'] = await salvo(url, dashboard, round);
      }
      rows.push(row);
    }
  } finally {
    server?.kill();
  }
  if (rows.length > 0)
    console.log(`\n| round | CPU s off / on | CPU ms per 1k sent, off / on | on ÷ off (per 1k) | achieved req/s off / on | seconds streamed |`);
  if (rows.length > 0) console.log('|--:|--:|--:|--:|--:|--:|');
  for (const { round, off, on } of rows) {
    console.log(
      `| ${round} | ${off.cpuSeconds.toFixed(2)} / ${on.cpuSeconds.toFixed(2)} | ${off.cpuMsPer1k.toFixed(1)} / ${on.cpuMsPer1k.toFixed(1)} | ${(on.cpuMsPer1k / off.cpuMsPer1k).toFixed(3)} | ${Math.round(off.achieved)} / ${Math.round(on.achieved)} | ${on.frames} |`,
    );
  }
  if (rows.length > 0)
    console.log(`\nmedian on ÷ off, CPU per 1k sent: ${median(rows.map(({ off, on }) => on.cpuMsPer1k / off.cpuMsPer1k)).toFixed(3)} (goal ≤ 1.02)`);
  const perSecondUs = await publishCostUs();
  if (rows.length === 0) {
    console.log(`dashboard's own work: ${perSecondUs.toFixed(0)} µs CPU per second published (${PUBLISHES} seconds)`);
    return;
  }
  // What a second of the run without dashboard cost, at the full rate: CPU per request × the rate.
  const runSecondUs = (median(rows.map(({ off }) => off.cpuMsPer1k)) / 1000) * RATE * 1000;
  console.log(
    `dashboard's own work: ${perSecondUs.toFixed(0)} µs CPU per second published (${PUBLISHES} seconds), ${((100 * perSecondUs) / runSecondUs).toFixed(2)}% of a ${RATE} req/s second without it (${(runSecondUs / 1000).toFixed(0)} ms CPU; goal ≤ 2%)`,
  );
}

await main();
