#!/usr/bin/env node
// gRPC rows of the bench: a trivial target pinned to one core, the generator pinned to another, a fresh
// target per run, ROUNDS interleaved rounds, medians of figures and of per-round ratios.
//
//   salvo      salvo run grpc://… -c 1 --streams IN_FLIGHT, max throughput, against `salvo serve grpc-worker` (Spin, ms=0)
//   h2c        salvo run h2c://… -c 1 --streams IN_FLIGHT, max throughput, against `salvo serve http --h2c` (GET /):
//              the same HTTP/2 client without gRPC, the yardstick of what gRPC costs
//   grpc-js    bench/grpc-js-client.mjs: a plain @grpc/grpc-js loop keeping IN_FLIGHT calls on one channel
//   rate       salvo run grpc://… --rate RATE (constant arrival), achieved ÷ target
//   rate-slow  the same with a busy loop pinned to the generator's core, which leaves salvo about half of it:
//              a machine about half as fast
//
// Goals: salvo gRPC calls/s ≥ 0.5× salvo h2c req/s and ≥ 3× grpc-js; both rates within ±0.5%.
// Markdown to stdout and bench/results/grpc.md; progress to stderr.
// Environment: BENCH_QUICK=1 (1 round of 2 s), GRPC_BENCH_SECONDS (5), GRPC_BENCH_RATE_SECONDS (10), GRPC_BENCH_ROUNDS (3),
// GRPC_BENCH_RATE (2000), GRPC_BENCH_IN_FLIGHT (100), GRPC_BENCH_PORT (18091), BENCH_TARGET_CPU (0), BENCH_GEN_CPU (1),
// BENCH_QUIET_WAIT (60, quick 15: seconds to wait for an idle machine before each run).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, PIN, pinned, quietWaiter } from './machine.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const PROTO = path.join(ROOT, 'proto/worker.proto');
const PEER = path.join(HERE, 'grpc-js-client.mjs');
const RESULTS = path.join(HERE, 'results');
const env = process.env;
const QUICK = !!env.BENCH_QUICK && env.BENCH_QUICK !== '0';
const SECONDS = Number(env.GRPC_BENCH_SECONDS || (QUICK ? 2 : 5));
const RATE_SECONDS = Number(env.GRPC_BENCH_RATE_SECONDS || (QUICK ? 2 : 10));
const ROUNDS = Number(env.GRPC_BENCH_ROUNDS || (QUICK ? 1 : 3));
const RATE = Number(env.GRPC_BENCH_RATE || 2000);
const IN_FLIGHT = Number(env.GRPC_BENCH_IN_FLIGHT || 100);
const PORT = Number(env.GRPC_BENCH_PORT || 18091);
const QUIET_WAIT_S = Number(env.BENCH_QUIET_WAIT || (QUICK ? 15 : 60));
const TARGET_CPU = env.BENCH_TARGET_CPU || '0';
const GEN_CPU = env.BENCH_GEN_CPU || '1';
const URL_ = `grpc://127.0.0.1:${PORT}`;
const H2C_URL = `h2c://127.0.0.1:${PORT}/`;
const GOAL_VS_GRPC_JS = 3;
const GOAL_VS_H2C = 0.5;
const GOAL_RATE_TOLERANCE = 0.005;

const log = (...a) => console.error('[grpc-bench]', ...a);
const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const TIME_BIN = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const shown = (argv) => argv.map((a) => (a.startsWith(`${ROOT}/`) ? path.relative(ROOT, a) : /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ');
const quiet = quietWaiter(QUIET_WAIT_S, log);

/** The trivial targets: gRPC's worker, and the HTTP target over h2c for the plain HTTP/2 yardstick. */
const TARGETS = {
  grpc: ['serve', 'grpc-worker', '--port', String(PORT)],
  h2c: ['serve', 'http', '--h2c', '--port', String(PORT)],
};

async function startTarget(kind) {
  const [cmd, ...args] = pinned(TARGET_CPU, [process.execPath, CLI, ...TARGETS[kind]]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`salvo ${TARGETS[kind].slice(0, 2).join(' ')} exited (code ${code}) before listening`)));
  });
  child.stdout.resume();
  return child;
}

async function stopTarget(child) {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

/** Runs a generator pinned and timed; returns its stdout, CPU seconds and the command as shown. */
function generator(argv) {
  const timeFile = path.join(RESULTS, 'grpc-generator.time');
  const full = pinned(GEN_CPU, TIME_BIN ? [TIME_BIN, '-f', '%U %S %e', '-o', timeFile, ...argv] : argv);
  const res = spawnSync(full[0], full.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0)
    throw new Error(`${shown(argv)} exited ${res.status ?? res.signal}: ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  let cpu = NaN;
  try {
    const [u, s] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
    cpu = u + s;
  } catch {}
  return { stdout: res.stdout, cpu, command: shown(pinned(GEN_CPU, argv)) };
}

const GRPC_TARGET = [URL_, '--proto', PROTO, '--call', 'salvo.worker.Worker/Spin', '--data', '{"ms": 0}'];
const MAX_THROUGHPUT = ['-c', '1', '--streams', String(IN_FLIGHT), '-d', `${SECONDS}s`];
const AT_RATE = ['-c', '4', '--rate', String(RATE), '-d', `${RATE_SECONDS}s`];

/** Runs salvo against `target` and reads its result file. */
function salvo(name, target, extra) {
  const out = path.join(RESULTS, `grpc-${name}.json`);
  const g = generator([process.execPath, CLI, 'run', ...target, ...extra, '--quiet', '--no-probe', '--out', out]);
  const { summary, durationMs } = JSON.parse(fs.readFileSync(out, 'utf8'));
  const errors = summary.requests.failed + summary.requests.dropped;
  return {
    ...g,
    completed: summary.requests.completed,
    errors,
    seconds: durationMs / 1000,
    achieved: summary.rate.achieved,
    p99: summary.latencyMs.corrected.p99,
    lagP99: summary.scheduleLagMs.p99,
  };
}

// Bounded, so a bench killed mid-run leaves nothing spinning for long.
const BUSY_LOOP = [process.execPath, '-e', `const end = Date.now() + ${(RATE_SECONDS + 60) * 1000}; while (Date.now() < end) {}`];

/** Runs `body` while a busy loop shares the generator's core: the generator gets about half of it, as on a machine half as fast. */
function withBusyGeneratorCore(body) {
  const [cmd, ...args] = pinned(GEN_CPU, BUSY_LOOP);
  const busy = spawn(cmd, args, { stdio: 'ignore' });
  try {
    return body();
  } finally {
    busy.kill('SIGKILL');
  }
}

/** Each run: the target it needs and how its generator runs. */
const MEASURES = {
  salvo: { target: 'grpc', run: () => salvo('salvo', GRPC_TARGET, MAX_THROUGHPUT) },
  h2c: { target: 'h2c', run: () => salvo('h2c', [H2C_URL], MAX_THROUGHPUT) },
  'grpc-js': {
    target: 'grpc',
    run: () => {
      const g = generator([process.execPath, PEER, URL_.replace('grpc://', ''), String(SECONDS), '1', String(IN_FLIGHT)]);
      return { ...g, ...JSON.parse(g.stdout) };
    },
  },
  rate: { target: 'grpc', run: () => salvo('rate', GRPC_TARGET, AT_RATE) },
  'rate-slow': { target: 'grpc', run: () => withBusyGeneratorCore(() => salvo('rate-slow', GRPC_TARGET, AT_RATE)) },
};

async function measure(name) {
  await quiet.wait();
  const { target, run } = MEASURES[name];
  const child = await startTarget(target);
  try {
    const cpu0 = cpuSeconds(child.pid);
    const t0 = performance.now();
    const r = run();
    const wall = (performance.now() - t0) / 1000;
    return {
      ...r,
      rps: r.completed / r.seconds,
      perGenCpu: r.completed / r.cpu,
      targetCpu: ((cpuSeconds(child.pid) - cpu0) / wall) * 100,
      genCpu: (r.cpu / wall) * 100,
    };
  } finally {
    await stopTarget(child);
  }
}

async function main() {
  if (!fs.existsSync(CLI)) throw new Error('dist/ not built: run `npm run build` first');
  fs.mkdirSync(RESULTS, { recursive: true });
  const runs = Object.fromEntries(Object.keys(MEASURES).map((name) => [name, []]));
  const commands = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of Object.keys(runs)) {
      const r = await measure(name);
      runs[name].push(r);
      commands[name] = r.command;
      log(
        `round ${round} ${name}: ${Math.round(r.rps)} req/s${r.achieved && name.startsWith('rate') ? ` (achieved ${r.achieved.toFixed(1)} of ${RATE})` : ''}, ${Math.round(r.perGenCpu)} per generator CPU-second, errors ${r.errors}, gen CPU ${r.genCpu.toFixed(0)}%, target CPU ${r.targetCpu.toFixed(0)}%`,
      );
    }
  }
  const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
  const pct = (x) => (Number.isFinite(x) ? `${x.toFixed(0)}%` : '–');
  const times = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
  // Ratios within each round, then their median, as bench/run.mjs does.
  const ratio = (name, key) => median(runs.salvo.map((r, i) => r[key] / runs[name][i][key]));
  const vsGrpcJs = ratio('grpc-js', 'rps');
  const vsH2c = ratio('h2c', 'rps');
  const accuracy = (name) => median(runs[name].map((r) => r.achieved / RATE));
  const lines = [
    '## gRPC unary',
    '',
    `Targets on CPU ${PIN ? TARGET_CPU : '(not pinned)'}, a fresh one per run: \`salvo serve grpc-worker\` (Spin, ms=0), and for the h2c row \`salvo serve http --h2c\` (GET /); generators on CPU ${PIN ? GEN_CPU : '(not pinned)'}; ${ROUNDS} round(s), medians; Node ${process.version}.`,
    `Max throughput: ${SECONDS} s, one connection with ${IN_FLIGHT} calls in flight for every tool. Rate: ${fmt(RATE)} req/s constant arrival for ${RATE_SECONDS} s; "slower machine": the same with a busy loop sharing the generator's core.`,
    '',
    '| tool | req/s | × salvo gRPC | req/s per generator CPU-second | errors | gen CPU % | target CPU % |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = { salvo: 'salvo gRPC', h2c: 'salvo h2c', 'grpc-js': 'grpc-js' };
  for (const [name, label] of Object.entries(rows)) {
    const rs = runs[name];
    const vsSalvo = median(rs.map((r, i) => r.rps / runs.salvo[i].rps));
    lines.push(
      `| ${label} | ${fmt(median(rs.map((r) => r.rps)))} | ${times(vsSalvo)} | ${fmt(median(rs.map((r) => r.perGenCpu)))} | ${rs.reduce((a, r) => a + r.errors, 0)} | ${pct(median(rs.map((r) => r.genCpu)))} | ${pct(median(rs.map((r) => r.targetCpu)))} |`,
    );
  }
  lines.push(
    '',
    '| rate | machine | achieved req/s | achieved / target | p99 schedule lag ms | p99 corrected ms | gen CPU % | errors + dropped |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const [name, machine] of [
    ['rate', 'as is'],
    ['rate-slow', 'slower (busy loop on the generator core)'],
  ]) {
    const rs = runs[name];
    lines.push(
      `| ${fmt(RATE)} | ${machine} | ${median(rs.map((r) => r.achieved)).toFixed(1)} | ${(accuracy(name) * 100).toFixed(2)}% | ${median(rs.map((r) => r.lagP99)).toFixed(3)} | ${median(rs.map((r) => r.p99)).toFixed(2)} | ${pct(median(rs.map((r) => r.genCpu)))} | ${rs.reduce((a, r) => a + r.errors, 0)} |`,
    );
  }
  const withinRate = (name) => Math.abs(accuracy(name) - 1) <= GOAL_RATE_TOLERANCE;
  const checks = [
    [
      'gRPC max throughput, salvo gRPC ÷ salvo h2c',
      `≥ ${GOAL_VS_H2C}×`,
      `${times(vsH2c)} (per generator CPU-second ${times(ratio('h2c', 'perGenCpu'))})`,
      vsH2c >= GOAL_VS_H2C,
    ],
    [
      'gRPC max throughput, salvo ÷ grpc-js',
      `≥ ${GOAL_VS_GRPC_JS}×`,
      `${times(vsGrpcJs)} (per generator CPU-second ${times(ratio('grpc-js', 'perGenCpu'))})`,
      vsGrpcJs >= GOAL_VS_GRPC_JS,
    ],
    [`gRPC rate ${fmt(RATE)} req/s, achieved / target`, `100% ± ${GOAL_RATE_TOLERANCE * 100}%`, `${(accuracy('rate') * 100).toFixed(2)}%`, withinRate('rate')],
    [
      `gRPC rate ${fmt(RATE)} req/s on a slower machine, achieved / target`,
      `100% ± ${GOAL_RATE_TOLERANCE * 100}%`,
      `${(accuracy('rate-slow') * 100).toFixed(2)}%`,
      withinRate('rate-slow'),
    ],
  ];
  lines.push('', '| check | goal | measured | result |', '|---|---|---:|---|');
  for (const [name, goal, got, ok] of checks) lines.push(`| ${name} | ${goal} | ${got} | ${ok ? 'pass' : '**FAIL**'} |`);
  if (quiet.timeouts() > 0)
    lines.push(
      '',
      `The machine was still busy after ${QUIET_WAIT_S} s of waiting before ${quiet.timeouts()} run(s) (load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}): the ratios, taken within each round, are the steadier figures then.`,
    );
  lines.push(
    '',
    'Commands (last round):',
    '',
    ...Object.entries(commands).map(([k, c]) => `- ${k}: \`${c}\`${k === 'rate-slow' ? ` beside \`${shown(pinned(GEN_CPU, BUSY_LOOP))}\`` : ''}`),
    '',
  );
  const md = `${lines.join('\n')}\n`;
  fs.writeFileSync(path.join(RESULTS, 'grpc.md'), md);
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
