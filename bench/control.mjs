#!/usr/bin/env node
// Adaptive load against targets of known capacity (`salvo serve http --slots --service-time`,
// `salvo serve tcp-echo`): the figures docs/adaptive-load.md promises, measured on this machine.
//
//   tracking      --hold 300 on 8 slots × 10 ms: settling time, per-second CV after settling
//   disturbance   --hold 1000 on 100 slots, service 10 → 30 ms at 10 s: recovery, overshoot, dial before/after
//   anti-windup   --hold 1600 on 8 slots × 10 ms (800 req/s) with --max-concurrency 64, then 4 ms (2,000 req/s) at 12 s
//   tcp           --hold 5k on tcp-echo: per-second mean and CV after settling
//   capacity      salvo capacity --slo 'p99<50ms' on 1 slot × 2 ms (500 req/s), BENCH_CAPACITY_REPEATS times (default 5)
//
// Usage: npm run build && node bench/control.mjs [section ...]   (default: all). Prints a Markdown table;
// BENCH_KEEP=1 keeps the results (JSON) of every run and prints where.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const DIR = mkdtempSync(path.join(tmpdir(), 'salvo-control-bench-'));
const TOLERANCE = 0.05;
const REPEATS = Number(process.env.BENCH_CAPACITY_REPEATS ?? 5);

/** Starts a built-in target on a free port; resolves with its URL and the wall time it started listening. */
function serve(kind, args) {
  const child = spawn(process.execPath, [CLI, 'serve', kind, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const match = /listening on (\S+)\n/.exec(output);
      if (match) resolve({ url: match[1], listeningAtMs: Date.now(), stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`salvo serve ${kind} exited (${code})`)));
  });
}

function salvo(args) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`salvo ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  return run;
}

function hold(url, setpoint, seconds, extra = []) {
  const out = path.join(DIR, `hold-${Date.now()}.json`);
  salvo(['run', url, '--hold', String(setpoint), '-d', `${seconds}s`, '-q', '-o', out, ...extra]);
  return JSON.parse(readFileSync(out, 'utf8'));
}

const perSecond = (result) => result.series.slice(0, Math.floor(result.plan.executor.durationMs / 1000)).map((sample) => sample.completed);
const within = (value, setpoint) => Math.abs(value - setpoint) <= TOLERANCE * setpoint;
/** The first second (from `fromSecond`) from which every per-second count stays within ±5% of the setpoint. */
function settledSecond(counts, setpoint, fromSecond = 0) {
  let settled = null;
  for (let second = fromSecond; second < counts.length; second++) {
    if (!within(counts[second], setpoint)) settled = null;
    else settled ??= second;
  }
  return settled;
}
function cv(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) / mean;
}
const dialBetween = (result, fromMs, toMs) => {
  const ticks = result.control.trace.filter((entry) => entry.tMs > fromMs && entry.tMs <= toMs);
  return ticks.reduce((sum, entry) => sum + entry.concurrency, 0) / ticks.length;
};
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const rows = [];
const row = (section, figure, value, goal) => {
  rows.push(`| ${section} | ${figure} | ${value} | ${goal} |`);
  process.stderr.write(`${section}: ${figure} = ${value} (${goal})\n`);
};

const sections = {
  async tracking() {
    const target = await serve('http', ['--slots', '8', '--service-time', '10ms']);
    try {
      const result = hold(target.url, 300, 20);
      const counts = perSecond(result);
      const settled = settledSecond(counts, 300);
      row('tracking 300/s, 8 × 10 ms', 'settled (per-second within ±5%) after', settled === null ? 'never' : `${settled + 1} s`, '≤ 5 s');
      row('tracking 300/s, 8 × 10 ms', 'per-second CV after settling', settled === null ? 'n/a' : pct(cv(counts.slice(settled))), '≤ 5%');
      row('tracking 300/s, 8 × 10 ms', 'dial (mean, last 10 s)', dialBetween(result, 10_000, 20_000).toFixed(2), '≈ 3');
    } finally {
      target.stop();
    }
  },
  async disturbance() {
    const target = await serve('http', ['--slots', '100', '--service-time', '10ms', '--then', '30ms@10s']);
    try {
      const result = hold(target.url, 1000, 25);
      // The target's clock starts when it listens; the run's a little later.
      const changeMs = target.listeningAtMs + 10_000 - Date.parse(result.startedAt);
      const changeSecond = Math.ceil(changeMs / 1000);
      const counts = perSecond(result);
      const settled = settledSecond(counts, 1000, changeSecond);
      row(
        'disturbance 10 → 30 ms at 1,000/s',
        'back within ±5% after the change',
        settled === null ? 'never' : `${(settled + 1 - changeMs / 1000).toFixed(1)} s`,
        '≤ 5 s',
      );
      row(
        'disturbance 10 → 30 ms at 1,000/s',
        'overshoot (highest second after the change)',
        pct(Math.max(0, Math.max(...counts.slice(changeSecond)) / 1000 - 1)),
        '≤ 10%',
      );
      row(
        'disturbance 10 → 30 ms at 1,000/s',
        'dial before → after',
        `${dialBetween(result, changeMs - 4000, changeMs).toFixed(1)} → ${dialBetween(result, changeMs + 8000, changeMs + 15_000).toFixed(1)}`,
        '≈ 10 → ≈ 30',
      );
    } finally {
      target.stop();
    }
  },
  async antiWindup() {
    const target = await serve('http', ['--slots', '8', '--service-time', '10ms', '--then', '4ms@12s']);
    try {
      const result = hold(target.url, 1600, 25, ['--max-concurrency', '64']);
      const changeMs = target.listeningAtMs + 12_000 - Date.parse(result.startedAt);
      const firstUnreachable = result.control.trace.find((entry) => entry.unreachable);
      const clamped = result.control.trace
        .filter((entry) => entry.tMs > firstUnreachable?.tMs && entry.tMs < changeMs)
        .every((entry) => entry.concurrency === 64);
      const counts = perSecond(result);
      const settled = settledSecond(counts, 1600, Math.ceil(changeMs / 1000));
      row('anti-windup 1600/s on 800/s', 'reported unreachable at', firstUnreachable ? `${(firstUnreachable.tMs / 1000).toFixed(1)} s` : 'never', '≤ 10 s');
      row('anti-windup 1600/s on 800/s', 'clamped at maxConcurrency 64 while unreachable', String(clamped), 'true');
      row(
        'anti-windup 1600/s on 800/s',
        'back within ±5% after capacity returned',
        settled === null ? 'never' : `${(settled + 1 - changeMs / 1000).toFixed(1)} s`,
        '≤ 5 s',
      );
    } finally {
      target.stop();
    }
  },
  async tcp() {
    const target = await serve('tcp-echo', []);
    try {
      const result = hold(target.url, 5000, 15, ['--payload', 'PING\\n', '--expect-delimiter', '\\n']);
      const counts = perSecond(result).slice(5);
      const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
      row('tcp-echo --hold 5k', 'mean per second, 5–15 s', Math.round(mean), '5,000 ± 5%');
      row('tcp-echo --hold 5k', 'per-second CV, 5–15 s', pct(cv(counts)), '≤ 5%');
      row('tcp-echo --hold 5k', 'dial (mean, 5–15 s)', dialBetween(result, 5000, 15_000).toFixed(3), '< 1');
    } finally {
      target.stop();
    }
  },
  async capacity() {
    const answers = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const target = await serve('http', ['--slots', '1', '--service-time', '2ms']);
      try {
        const out = path.join(DIR, `capacity-${repeat}.json`);
        const startedMs = Date.now();
        salvo(['capacity', target.url, '--slo', 'p99<50ms', '-q', '-o', out]);
        const { capacity } = JSON.parse(readFileSync(out, 'utf8'));
        answers.push(capacity.sustainableRatePerSec);
        row(
          'capacity 1 × 2 ms (500/s)',
          `run ${repeat + 1}: sustainable, knee, time`,
          `${capacity.sustainableRatePerSec}/s, ${capacity.kneeRatePerSec}/s, ${Math.round((Date.now() - startedMs) / 1000)} s (${capacity.stoppedBecause})`,
          '450–500/s, ≤ 90 s',
        );
      } finally {
        target.stop();
      }
    }
    const spread = (Math.max(...answers) - Math.min(...answers)) / Math.max(...answers);
    row('capacity 1 × 2 ms (500/s)', `spread of ${answers.length} answers`, pct(spread), '≤ 5%');
  },
};

const wanted = process.argv.slice(2);
try {
  for (const [name, section] of Object.entries(sections)) if (wanted.length === 0 || wanted.includes(name)) await section();
} finally {
  if (process.env.BENCH_KEEP) process.stderr.write(`results kept in ${DIR}\n`);
  else rmSync(DIR, { recursive: true, force: true });
}
// The figures depend on a quiet machine: a busy one starves the target and the generator alike.
process.stdout.write(
  `load average at the end: ${loadavg()
    .map((load) => load.toFixed(1))
    .join(', ')}\n\n| section | figure | measured | goal |\n|---|---|---|---|\n${rows.join('\n')}\n`,
);
