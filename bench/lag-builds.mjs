#!/usr/bin/env node
// p99 schedule lag of salvo builds side by side, alternated with the naive generator in each round:
// for before/after figures of a change that touches the sending path.
//
//   node bench/lag-builds.mjs URL RATE ROUNDS name=dir [name=dir ...]
//
// URL: a running target (e.g. nginx with bench/nginx.conf on CPU 0); each dir is a built checkout
// (`git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build)`). Every run
// is pinned to CPU 1, 10 s (BENCH_RATE_SECONDS), `-c 50 --no-probe`, like bench/floor.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pinned } from './machine.mjs';
import { naiveLag } from './naive-generator.mjs';

const [url, rateText, roundsText, ...builds] = process.argv.slice(2);
if (!url || !(Number(rateText) > 0) || !(Number(roundsText) > 0) || builds.length === 0 || builds.some((build) => !build.includes('='))) {
  console.error('usage: node bench/lag-builds.mjs URL RATE ROUNDS name=dir [name=dir ...]');
  process.exit(2);
}
const rate = Number(rateText);
const seconds = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const { hostname, port } = new URL(url);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'salvo-lag-builds-'));

function salvoLag(dir, name) {
  const file = path.join(out, `${name}.json`);
  const argv = pinned('1', [process.execPath, path.join(dir, 'dist/src/cli/main.js'), 'run', url, '--rate', String(rate), '-d', `${seconds}s`]);
  const child = spawnSync(argv[0], [...argv.slice(1), '-c', '50', '--quiet', '--no-probe', '-o', file], { encoding: 'utf8' });
  if (!fs.existsSync(file)) throw new Error(`${name}: exit ${child.status}: ${child.stderr}`);
  const { summary } = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { p99LagMs: summary.scheduleLagMs.p99, achievedPercent: (summary.rate.achieved / rate) * 100 };
}

const rows = [];
for (let round = 1; round <= Number(roundsText); round++) {
  const row = { naive: naiveLag(hostname, port, rate, seconds).p99LagMs };
  for (const build of builds) {
    const [name, dir] = build.split('=');
    const { p99LagMs, achievedPercent } = salvoLag(dir, name);
    row[name] = p99LagMs;
    process.stderr.write(`round ${round} ${name}: p99 lag ${p99LagMs.toFixed(3)} ms, ${achievedPercent.toFixed(2)}% of the rate\n`);
  }
  rows.push(row);
}
fs.rmSync(out, { recursive: true, force: true });

const names = ['naive', ...builds.map((build) => build.split('=')[0])];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`| p99 schedule lag at ${rate} req/s | ${rows.map((_, index) => `round ${index + 1}`).join(' | ')} | median | median ÷ naive (per round) |`);
console.log(`|---|${rows.map(() => '--:|').join('')}--:|--:|`);
for (const name of names) {
  const values = rows.map((row) => row[name]);
  const ratio = median(rows.map((row) => row[name] / row.naive));
  console.log(`| ${name} | ${values.map((value) => `${value.toFixed(3)} ms`).join(' | ')} | ${median(values).toFixed(3)} ms | ${ratio.toFixed(2)}× |`);
}
