#!/usr/bin/env node
// What the live dashboard costs the generator: `salvo run` at 5,000 req/s with and without
// `--dashboard` (a page's stream connected all along), alternated round by round so both see the
// same machine, compared by the generator's CPU seconds over the run (the result's own figure).
//
//   node bench/dashboard.mjs [URL]     URL: a running target; default: `salvo serve http` pinned to CPU 0
//
// BENCH_ROUNDS (default 3), BENCH_RATE_SECONDS (default 10) and BENCH_DASHBOARD_RATE (default 5000)
// change the runs. The generator is pinned to CPU 1 when taskset is there.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinned } from './machine.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '..', 'dist/src/cli/main.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_DASHBOARD_RATE ?? 5000);
const TARGET_PORT = 18192;
const DASHBOARD_PORT = 18193;
const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once something accepts connections on the port. */
async function answering(port) {
  for (;;) {
    const ok = await new Promise((resolve) =>
      net
        .connect(port, '127.0.0.1')
        .once('connect', function () {
          this.destroy();
          resolve(true);
        })
        .once('error', () => resolve(false)),
    );
    if (ok) return;
    await sleep(50);
  }
}

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
  return { cpuSeconds: (summary.generator.cpuPercent / 100) * (durationMs / 1000), achieved: summary.rate.achieved, frames };
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
  console.log(`\n| round | CPU s, off | CPU s, on | on ÷ off | achieved req/s off / on | seconds streamed |`);
  console.log('|--:|--:|--:|--:|--:|--:|');
  for (const { round, off, on } of rows) {
    console.log(
      `| ${round} | ${off.cpuSeconds.toFixed(2)} | ${on.cpuSeconds.toFixed(2)} | ${(on.cpuSeconds / off.cpuSeconds).toFixed(3)} | ${Math.round(off.achieved)} / ${Math.round(on.achieved)} | ${on.frames} |`,
    );
  }
  const ratios = rows.map(({ off, on }) => on.cpuSeconds / off.cpuSeconds);
  console.log(`\nmedian on ÷ off: ${median(ratios).toFixed(3)} (goal ≤ 1.02)`);
}

await main();
