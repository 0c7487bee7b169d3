#!/usr/bin/env node
// The machine's scheduling floor beside salvo's schedule lag, interleaved in one run, and `--jit auto`
// against `--jit peak` at a high rate with and without a CPU-bound process sharing the generator's core
// (a slower machine, simulated). Also the last section of `npm run bench`.
//
//   node bench/floor.mjs [URL]     URL: a running target; default: `salvo serve http` pinned to CPU 0
//
// Per round, all pinned to CPU 1 like the generator: (1) a bare busy loop's gaps (time the process was
// not running), (2) a naive generator: one loop sending GET on raw keep-alive sockets at the rate and
// measuring its own lateness, (3) salvo at the same rate. Lag figures are stated as ratios to (2).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { answering, pinned } from './machine.mjs';
import { naiveLag } from './naive-generator.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '..', 'dist/src/cli/main.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// A VM's gaps come in spells of seconds to minutes, so one 10 s round of each generator may meet a
// quiet spell and the other a noisy one: the lag ratio is the median of more rounds than the rest.
const LAG_ROUNDS = Number(process.env.BENCH_LAG_ROUNDS ?? 7);
const SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const LAG_RATE = Number(process.env.BENCH_FLOOR_RATE ?? 5000);
const HIGH_RATE = Number(process.env.BENCH_JIT_RATE ?? 20000);
const PORT = 18190;
const log = (line) => process.stderr.write(`${line}\n`);

// A busy loop that notes every gap between two readings of the clock longer than 50 µs: the time
// the process was not running (descheduled, interrupts, another process on the core).
const BUSY_LOOP = `
  const { performance } = require('node:perf_hooks');
  const gaps = []; const endMs = performance.now() + Number(process.argv[1]) * 1000;
  let last = performance.now(); let lostMs = 0;
  for (let now = last; now < endMs; now = performance.now()) { const gap = now - last; if (gap > 0.05) { gaps.push(gap); lostMs += gap; } last = now; }
  gaps.sort((a, b) => a - b);
  console.log(JSON.stringify({ lostPercent: (lostMs / (Number(process.argv[1]) * 10)), p99GapMs: gaps[Math.floor(gaps.length * 0.99)] ?? 0, maxGapMs: gaps.at(-1) ?? 0 }));`;

function runJson(argv) {
  const child = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: (SECONDS + 60) * 1000 });
  if (child.status !== 0) throw new Error(`${argv.join(' ')}: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

function salvo(url, rate, jit) {
  const out = path.join(HERE, 'results', `floor-${jit}-${rate}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const argv = pinned('1', [
    process.execPath,
    CLI,
    'run',
    url,
    '--rate',
    String(rate),
    '-d',
    `${SECONDS}s`,
    '-c',
    '50',
    '--jit',
    jit,
    '--quiet',
    '--no-probe',
    '--out',
    out,
  ]);
  const child = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: (SECONDS + 60) * 1000 });
  if (child.status !== 0) throw new Error(`salvo: ${child.stderr}`);
  const { summary } = JSON.parse(fs.readFileSync(out, 'utf8'));
  return {
    achievedPercent: (summary.rate.achieved / rate) * 100,
    p99LagMs: summary.scheduleLagMs.p99,
    turbofanFromMs: summary.generator.turbofanFromMs,
    limit: summary.bottleneck?.limit,
  };
}

/** Starts argv pinned as given, output ignored. */
const startPinned = (argv) => spawn(argv[0], argv.slice(1), { stdio: 'ignore' });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value, digits = 3) => (value === undefined ? '–' : Number(value).toFixed(digits));

async function main() {
  let url = process.argv[2];
  let server;
  if (!url) {
    server = startPinned(pinned('0', [process.execPath, CLI, 'serve', 'http', '--port', String(PORT)]));
    url = `http://127.0.0.1:${PORT}/`;
    await answering(PORT);
  }
  const { hostname, port } = new URL(url);
  const lagRows = [];
  const highRows = [];
  try {
    for (let round = 1; round <= LAG_ROUNDS; round++) {
      log(`round ${round}/${LAG_ROUNDS}: busy loop, naive generator, salvo at ${LAG_RATE} req/s`);
      const floor = runJson(pinned('1', [process.execPath, '-e', BUSY_LOOP, String(Math.min(SECONDS, 5))]));
      const naive = naiveLag(hostname, port, LAG_RATE, SECONDS);
      const ours = salvo(url, LAG_RATE, 'auto');
      lagRows.push({ floor, naive, ours });
    }
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}: --jit auto and --jit peak at ${HIGH_RATE} req/s, alone and beside a CPU hog on the generator's core`);
      const high = {};
      for (const shared of [false, true]) {
        const hog = shared ? startPinned(pinned('1', [process.execPath, '-e', 'for (;;);'])) : undefined;
        try {
          for (const jit of ['auto', 'peak']) high[`${jit}${shared ? '+hog' : ''}`] = salvo(url, HIGH_RATE, jit);
        } finally {
          hog?.kill();
        }
      }
      highRows.push(high);
    }
  } finally {
    server?.kill();
  }
  const lines = [];
  lines.push(`| round | busy loop: time lost | busy loop p99 gap | naive p99 lag | salvo p99 lag (auto) | salvo ÷ naive |`, '|--:|--:|--:|--:|--:|--:|');
  lagRows.forEach(({ floor, naive, ours }, index) =>
    lines.push(
      `| ${index + 1} | ${fixed(floor.lostPercent, 2)}% | ${fixed(floor.p99GapMs)} ms | ${fixed(naive.p99LagMs)} ms | ${fixed(ours.p99LagMs)} ms | ${fixed(ours.p99LagMs / naive.p99LagMs, 2)}× |`,
    ),
  );
  lines.push(
    `| median | | | ${fixed(median(lagRows.map((row) => row.naive.p99LagMs)))} ms | ${fixed(median(lagRows.map((row) => row.ours.p99LagMs)))} ms | ${fixed(median(lagRows.map((row) => row.ours.p99LagMs / row.naive.p99LagMs)), 2)}× |`,
  );
  lines.push('', `| round | ${HIGH_RATE} req/s | auto achieved | peak achieved | auto TurboFan from | auto limit |`, '|--:|---|--:|--:|--:|---|');
  highRows.forEach((high, index) => {
    for (const shared of ['', '+hog']) {
      const auto = high[`auto${shared}`];
      const peak = high[`peak${shared}`];
      lines.push(
        `| ${index + 1} | ${shared ? 'core shared with a CPU hog' : 'alone'} | ${fixed(auto.achievedPercent, 2)}% | ${fixed(peak.achievedPercent, 2)}% | ${auto.turbofanFromMs === undefined ? 'never' : `${auto.turbofanFromMs} ms`} | ${auto.limit ?? 'none'} |`,
      );
    }
  });
  console.log(lines.join('\n'));
}

await main();
