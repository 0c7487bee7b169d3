#!/usr/bin/env node
// Throughput of `salvo serve servo-fleet` (issue 7): the emulator pinned to one core,
// wrk -t1 -c100 pinned to another, a fresh emulator per run, ROUNDS interleaved rounds.
//
//   single    one app advanced to measurement progress, POST MEASUREMENT progress 10 over and over
//   spread    the same body over 5,000 apps picked round-robin
//   cycle     5,000 apps round-robin, each walked through valid measure/adjust cycles
//
// Goal: single ≥ 20,000 req/s; spread and cycle within 10% of single.
// Markdown to stdout and bench/results/servo-fleet.md; progress to stderr.
// Environment: BENCH_QUICK=1 (1 round of 2 s), SERVO_BENCH_SECONDS (5), SERVO_BENCH_ROUNDS (3), SERVO_BENCH_APPS (5000),
// SERVO_BENCH_PORT (18090), BENCH_TARGET_CPU (0), BENCH_GEN_CPU (1), BENCH_QUIET_WAIT (60, quick 15: seconds to
// wait for an idle machine before each run).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, has, PIN, pinned, quietWaiter } from './machine.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const LUA = path.join(HERE, 'servo-fleet.lua');
const env = process.env;
const QUICK = !!env.BENCH_QUICK && env.BENCH_QUICK !== '0';
const SECONDS = Number(env.SERVO_BENCH_SECONDS || (QUICK ? 2 : 5));
const ROUNDS = Number(env.SERVO_BENCH_ROUNDS || (QUICK ? 1 : 3));
const QUIET_WAIT_S = Number(env.BENCH_QUIET_WAIT || (QUICK ? 15 : 60));
const APPS = Number(env.SERVO_BENCH_APPS || 5000);
const PORT = Number(env.SERVO_BENCH_PORT || 18090);
const TARGET_CPU = env.BENCH_TARGET_CPU || '0';
const GEN_CPU = env.BENCH_GEN_CPU || '1';
const URL_ = `http://127.0.0.1:${PORT}`;
const GOAL_RPS = 20_000;
const GOAL_SPREAD_RATIO = 0.9;
const SCENARIOS = [
  { name: 'single', apps: 1, mode: 'progress', what: 'MEASUREMENT progress 10 to app00000' },
  { name: 'spread', apps: APPS, mode: 'spread', what: `MEASUREMENT progress 10, ${APPS} apps round-robin` },
  { name: 'cycle', apps: APPS, mode: 'cycle', what: `${APPS} apps round-robin, valid measure/adjust cycles` },
];

const log = (...a) => console.error('[servo-bench]', ...a);
const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const quiet = quietWaiter(QUIET_WAIT_S, log);

async function startEmulator() {
  const [cmd, ...args] = pinned(TARGET_CPU, [process.execPath, CLI, 'serve', 'servo-fleet', '--apps', String(APPS), '--port', String(PORT)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (code ${code}) before listening`)));
  });
  child.stdout.resume();
  return child;
}

async function stopEmulator(child) {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

async function post(app, body) {
  const res = await fetch(`${URL_}/accounts/bench/applications/app${String(app).padStart(5, '0')}/servo`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`app${app} ${JSON.stringify(body)} → ${res.status} ${text}`);
}

/** HELLO → WHATS_NEXT (DESCRIBE) → DESCRIPTION → WHATS_NEXT (MEASURE): every app in start-measure, nothing pending. */
async function prepare(apps) {
  const steps = [{ event: 'HELLO' }, { event: 'WHATS_NEXT' }, { event: 'DESCRIPTION' }, { event: 'WHATS_NEXT' }];
  for (let base = 0; base < apps; base += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, apps - base) }, async (_, k) => {
        for (const step of steps) await post(base + k, step);
      }),
    );
  }
}

function wrk(mode, apps, seconds) {
  const argv = pinned(GEN_CPU, ['wrk', '-t1', '-c100', `-d${seconds}s`, '-s', LUA, URL_, '--', mode, String(apps)]);
  const res = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  const m = /WRK_RESULT (.*)/.exec(res.stdout || '');
  if (!m) throw new Error(`no WRK_RESULT from wrk: ${res.stdout}${res.stderr}`);
  const v = Object.fromEntries(
    m[1]
      .trim()
      .split(/\s+/)
      .map((kv) => kv.split('='))
      .map(([k, x]) => [k, Number(x)]),
  );
  return { rps: (v.requests * 1e6) / v.duration_us, p50: v.p50_us / 1000, p99: v.p99_us / 1000, errors: v.errors, command: argv.join(' ') };
}

async function measure(scenario) {
  const child = await startEmulator();
  try {
    await prepare(scenario.apps);
    // Warm-up with progress 10: leaves the apps in in-measure, from which the cycle's first step (progress 50) is valid.
    wrk(scenario.mode === 'progress' ? 'progress' : 'spread', scenario.apps, 1);
    const cpu0 = cpuSeconds(child.pid);
    const t0 = performance.now();
    const r = wrk(scenario.mode, scenario.apps, SECONDS);
    const cpu = ((cpuSeconds(child.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    const stats = await (await fetch(`${URL_}/`)).json();
    return { ...r, cpu, stats };
  } finally {
    await stopEmulator(child);
  }
}

async function main() {
  if (!has('wrk')) {
    process.stdout.write('## servo-fleet emulator\n\nskipped: wrk not installed\n');
    return 0;
  }
  if (!fs.existsSync(CLI)) throw new Error('dist/ not built: run `npx tsc -p tsconfig.json` first');
  const runs = Object.fromEntries(SCENARIOS.map((s) => [s.name, []]));
  const commands = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of SCENARIOS) {
      await quiet.wait();
      const r = await measure(s);
      runs[s.name].push(r);
      commands[s.name] = r.command;
      log(
        `round ${round} ${s.name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, target CPU ${r.cpu.toFixed(0)}%, stats ${JSON.stringify(r.stats)}`,
      );
    }
  }
  const single = median(runs.single.map((r) => r.rps));
  const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
  const lines = [
    '## servo-fleet emulator',
    '',
    `\`salvo serve servo-fleet --apps ${APPS}\` on CPU ${PIN ? TARGET_CPU : '(not pinned)'}, \`wrk -t1 -c100 -d${SECONDS}s\` on CPU ${PIN ? GEN_CPU : '(not pinned)'}, ${ROUNDS} round(s), medians; Node ${process.version}.`,
    '',
    '| scenario | what | req/s | × single | p50 ms | p99 ms | errors | target CPU % | req/s per target CPU-second |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of SCENARIOS) {
    const rs = runs[s.name];
    const rps = median(rs.map((r) => r.rps));
    lines.push(
      `| ${s.name} | ${s.what} | ${fmt(rps)} | ${(rps / single).toFixed(2)} | ${median(rs.map((r) => r.p50)).toFixed(2)} | ${median(rs.map((r) => r.p99)).toFixed(2)} | ${rs.reduce((a, r) => a + r.errors, 0)} | ${median(rs.map((r) => r.cpu)).toFixed(0)} | ${fmt(median(rs.map((r) => r.rps / (r.cpu / 100))))} |`,
    );
  }
  const spread = median(runs.spread.map((r) => r.rps));
  const cycle = median(runs.cycle.map((r) => r.rps));
  const errors = Object.values(runs)
    .flat()
    .reduce((a, r) => a + r.errors, 0);
  const checks = [
    ['single app, one core', `≥ ${fmt(GOAL_RPS)} req/s`, fmt(single), single >= GOAL_RPS],
    ['spread ÷ single', `≥ ${GOAL_SPREAD_RATIO}`, (spread / single).toFixed(2), spread / single >= GOAL_SPREAD_RATIO],
    ['cycle ÷ single', `≥ ${GOAL_SPREAD_RATIO}`, (cycle / single).toFixed(2), cycle / single >= GOAL_SPREAD_RATIO],
    ['non-2xx and socket errors', '0', String(errors), errors === 0],
  ];
  lines.push('', '| check | goal | measured | result |', '|---|---|---:|---|');
  for (const [name, goal, got, ok] of checks) lines.push(`| ${name} | ${goal} | ${got} | ${ok ? 'pass' : '**FAIL**'} |`);
  const starved = Object.values(runs)
    .flat()
    .filter((r) => r.cpu < 90).length;
  if (quiet.timeouts() > 0) lines.push('', `The machine was still busy after ${QUIET_WAIT_S} s of waiting before ${quiet.timeouts()} run(s).`);
  if (starved > 0) {
    lines.push(
      '',
      `Note: in ${starved} run(s) the emulator used less than 90% of its core while wrk ran flat out: other processes on the machine took the CPU (load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}). req/s is then a lower bound; req/s per target CPU-second estimates what one whole core does.`,
    );
  }
  lines.push('', 'Commands (last round):', '', ...Object.entries(commands).map(([k, c]) => `- ${k}: \`${c.replace(`${ROOT}/`, '')}\``), '');
  const md = `${lines.join('\n')}\n`;
  fs.mkdirSync(path.join(HERE, 'results'), { recursive: true });
  fs.writeFileSync(path.join(HERE, 'results', 'servo-fleet.md'), md);
  process.stdout.write(md);
  return checks.every((c) => c[3]) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    log(`error: ${error.message}`);
    process.exitCode = 2;
  },
);
