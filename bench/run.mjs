#!/usr/bin/env node
// `npm run bench`: salvo side by side with installed peers (wrk, autocannon;
// h2load for HTTP/2) against the same local target, ROUNDS interleaved rounds,
// median tables.
//
//   target     nginx (bench/nginx.conf: HTTP/1.1, and h2c on PORT + 2) or
//              `salvo serve http` (HTTP/1.1 only), pinned to CPU 0
//   generators pinned to CPU 1, each wrapped in /usr/bin/time for CPU seconds
//
// Markdown goes to stdout and bench/results/latest.md; progress to stderr.
// Raw per-run figures: bench/results/latest.json; tool output: bench/results/logs/.
// Environment: see bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const REL = (p) => path.relative(ROOT, p) || '.';
const RESULTS = path.join(HERE, 'results');
const LOGS = path.join(RESULTS, 'logs');
// salvo runs from a copy of dist/ taken at start, so that a rebuild while the
// bench runs cannot mix builds across rounds. The copy sits under bench/results/
// with package.json beside it (dist/src/version.js reads ../../package.json);
// dependencies resolve up the tree to the project's node_modules.
const DIST = path.join(ROOT, 'dist');
const SNAPSHOT = path.join(RESULTS, 'salvo');
const CLI = path.join(SNAPSHOT, 'dist/src/cli/main.js');

// ---- settings ---------------------------------------------------------------

const env = process.env;
const QUICK = !!env.BENCH_QUICK && env.BENCH_QUICK !== '0';
function numEnv(name, dflt, { int = false, min = 0 } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || (int && !Number.isInteger(v))) {
    throw new Error(`${name}=${raw}: expected ${int ? 'an integer' : 'a number'} >= ${min}`);
  }
  return v;
}
const ROUNDS = numEnv('BENCH_ROUNDS', QUICK ? 1 : 3, { int: true, min: 1 });
const TP_SECONDS = numEnv('BENCH_SECONDS', QUICK ? 2 : 5, { min: 1 });
const RATE_SECONDS = numEnv('BENCH_RATE_SECONDS', QUICK ? 2 : 10, { min: 1 });
const RATES = (env.BENCH_RATES || '5000,20000')
  .split(/[\s,]+/)
  .filter(Boolean)
  .map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`BENCH_RATES: bad rate "${s}"`);
    return v;
  });
const CONNECTIONS = 50;
// --workers section: one fixed rate, salvo in one thread vs on BENCH_WORKERS threads.
const WORKERS_RATE = numEnv('BENCH_WORKERS_RATE', 5000, { int: true, min: 1 });
const WORKERS = numEnv('BENCH_WORKERS', 2, { int: true, min: 2 });
const WORKERS_SECONDS = numEnv('BENCH_WORKERS_SECONDS', QUICK ? 2 : 10, { min: 1 });
const PORT = numEnv('BENCH_PORT', 18080, { int: true, min: 1 });
const URL_ = `http://127.0.0.1:${PORT}/`;
// HTTP/2 in cleartext: nginx's second server; h2load's -c10 -m10 (its docs' example) for both tools.
const H2C_PORT = PORT + 2;
const H2C_URL = `h2c://127.0.0.1:${H2C_PORT}/`;
const H2_CONNECTIONS = 10;
const H2_STREAMS = 10;
const TARGET_CPU = String(numEnv('BENCH_TARGET_CPU', 0, { int: true }));
const GEN_CPU = String(numEnv('BENCH_GEN_CPU', 1, { int: true }));
const QUIET_WAIT_S = numEnv('BENCH_QUIET_WAIT', QUICK ? 15 : 120);
const RETRIES = numEnv('BENCH_RETRIES', 2, { int: true });
const TARGET_KIND = env.BENCH_TARGET || 'auto'; // auto | nginx | builtin
if (!['auto', 'nginx', 'builtin'].includes(TARGET_KIND)) throw new Error(`BENCH_TARGET=${TARGET_KIND}: use auto, nginx or builtin`);
const NGINX_DIR = `/tmp/salvo-bench-nginx-${PORT}`;

// Issue targets.
const GOAL_VS_WRK = 0.5;
const GOAL_VS_AUTOCANNON = 2;
const GOAL_VS_H2LOAD = 0.5;
const GOAL_RATE_TOLERANCE = 0.005; // ±0.5%
const GOAL_LAG_P99_MS = 1;
const LAG_CHECK_RATES = [5000];
const GOAL_WORKERS_CPU_RATIO = 1.1; // CPU per request on N workers within 10% of one thread's
const GOAL_MAIN_BUSY_PERCENT = 2; // the main thread joining the workers' seconds: < 2% of a core

// ---- small helpers ----------------------------------------------------------

const log = (...a) => console.error('[bench]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const shq = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`);
const cmdline = (argv) => argv.map((a) => shq(a.startsWith(`${ROOT}/`) ? REL(a) : a)).join(' ');

function which(cmd) {
  for (const dir of (env.PATH || '').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {}
  }
  return null;
}
function firstLine(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 10000 });
  return (
    `${r.stdout || ''}${r.stderr || ''}`
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '?'
  );
}

// Formatting.
const fmtInt = (x) => (x == null ? '–' : Math.round(x).toLocaleString('en-US'));
const fmtMs = (x) => (x == null ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fmtRatio = (x) => (x == null ? '–' : `${x.toFixed(2)}×`);
const fmtPct = (x, nd = 0) => (x == null ? '–' : `${x.toFixed(nd).replace(/^-(0\.?0*)$/, '$1')}%`);
const fmtSigned = (x, nd = 2) => (x == null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(nd)}%`);

// ---- CPU accounting from /proc ------------------------------------------------

const TICK = Number(firstLine(['getconf', 'CLK_TCK'])) || 100;
function readProcStat(pid) {
  // -> utime+stime seconds of one process, or null
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // f[0] = state (field 3)
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return null;
  }
}
function selfChildrenCpu() {
  // cutime+cstime of this process: CPU of reaped children
  try {
    const s = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / TICK;
  } catch {
    return null;
  }
}
function busySeconds() {
  // all CPUs: user nice system irq softirq steal
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return (f[1] + f[2] + f[3] + f[6] + f[7] + (f[8] || 0)) / TICK;
  } catch {
    return null;
  }
}
function childPids(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {}
  const out = []; // no CONFIG_PROC_CHILDREN: scan /proc
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {}
  }
  return out;
}

// Wait until the machine is idle (< 10% of one CPU over 0.5 s): other work on
// this box skews every figure. Gives up after QUIET_WAIT_S and notes it.
let quietTimeouts = 0;
async function waitQuiet() {
  if (busySeconds() == null) return;
  const deadline = Date.now() + QUIET_WAIT_S * 1000;
  let said = false;
  for (;;) {
    const b0 = busySeconds();
    await sleep(500);
    if (busySeconds() - b0 <= 0.05) return;
    if (Date.now() >= deadline) {
      quietTimeouts++;
      log(`machine still busy after ${QUIET_WAIT_S} s; running anyway`);
      return;
    }
    if (!said) log(`machine busy, waiting (up to ${QUIET_WAIT_S} s) for it to be idle`);
    said = true;
    await sleep(1500);
  }
}

// ---- process management -----------------------------------------------------

const live = new Set(); // process groups of running generator children
let target = null; // { kind, describe, cpuSeconds(), stop() }
let cleaningUp = false;

function killGroup(pid, sig) {
  try {
    process.kill(-pid, sig);
  } catch {}
}

function cleanupSync() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const pid of live) killGroup(pid, 'SIGKILL');
  live.clear();
  if (target) {
    try {
      target.stopSync();
    } catch (e) {
      log(`stopping target: ${e.message}`);
    }
    target = null;
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    cleanupSync();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}
process.on('exit', cleanupSync);

// Pinning and CPU-time wrappers, decided once.
const HAS_TASKSET = !!which('taskset');
const canPin = (cpu) => HAS_TASKSET && spawnSync('taskset', ['-c', cpu, 'true']).status === 0;
const PIN_TARGET = canPin(TARGET_CPU);
const PIN_GEN = canPin(GEN_CPU) && TARGET_CPU !== GEN_CPU;
const TIME_BIN =
  fs.existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%U %S %e', '-o', '/dev/null', 'true']).status === 0 ? '/usr/bin/time' : null;
const CPU_METHOD = TIME_BIN ? '/usr/bin/time -f "%U %S %e"' : selfChildrenCpu() != null ? 'cutime+cstime of bench/run.mjs (/proc/self/stat)' : null;

// Run one generator: pinned, timed, output captured. Never throws for the
// child's own failure; returns { code, signal, stdout, stderr, cpuS, wallS, timedOut }.
async function runGenerator(argv, { name, timeoutMs }) {
  const timeFile = path.join(LOGS, `${name}.time`);
  const shown = [...(PIN_GEN ? ['taskset', '-c', GEN_CPU] : []), ...argv];
  let full = [...argv];
  if (TIME_BIN) full = [TIME_BIN, '-f', '%U %S %e', '-o', timeFile, ...full];
  if (PIN_GEN) full = ['taskset', '-c', GEN_CPU, ...full];
  try {
    fs.rmSync(timeFile, { force: true });
  } catch {}
  const c0 = selfChildrenCpu();
  const t0 = process.hrtime.bigint();
  const child = spawn(full[0], full.slice(1), { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child.pid);
  let stdout = '',
    stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGKILL');
  }, timeoutMs);
  const [code, signal] = await new Promise((resolve) => {
    child.on('error', (e) => {
      stderr += `spawn error: ${e.message}\n`;
      resolve([127, null]);
    });
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  live.delete(child.pid);
  let wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpuS = null;
  if (TIME_BIN) {
    try {
      const [u, s, e] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
      if ([u, s, e].every(Number.isFinite)) {
        cpuS = u + s;
        wallS = e;
      }
    } catch {}
  }
  if (cpuS == null && c0 != null) cpuS = selfChildrenCpu() - c0;
  fs.writeFileSync(
    path.join(LOGS, `${name}.out`),
    `$ ${cmdline(shown)}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n--- exit ${code ?? signal}${timedOut ? ' (timed out)' : ''}\n`,
  );
  return { code, signal, stdout, stderr, cpuS, wallS, timedOut, shown: cmdline(shown) };
}

// ---- target -----------------------------------------------------------------

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}
function httpGet(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (d) => {
          body += d;
        })
        .on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
  });
}
async function waitReady(ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const r = await httpGet(URL_);
    if (r && r.status === 200) return r;
    await sleep(100);
  }
  return null;
}
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}
function waitGoneSync(pid, ms) {
  const deadline = Date.now() + ms;
  while (pidAlive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
  return !pidAlive(pid);
}

async function startNginx(nginx) {
  const dir = NGINX_DIR;
  const pidFile = path.join(dir, 'nginx.pid');
  fs.mkdirSync(dir, { recursive: true });
  // A bench nginx left over from a killed run (same state dir): stop it.
  try {
    const old = Number(fs.readFileSync(pidFile, 'utf8'));
    if (old && pidAlive(old)) {
      log(`stopping a bench nginx left over from an earlier run (pid ${old}, ${pidFile})`);
      process.kill(old, 'SIGQUIT');
      if (!waitGoneSync(old, 5000)) process.kill(old, 'SIGTERM');
      waitGoneSync(old, 2000);
    }
  } catch {}
  fs.rmSync(pidFile, { force: true });
  if (await portOpen(PORT)) throw new Error(`127.0.0.1:${PORT} is already in use by another process; stop it or set BENCH_PORT`);
  const conf = path.join(HERE, 'nginx.conf');
  const args = ['-p', `${dir}/`, '-e', path.join(dir, 'error.log'), '-c', conf, '-g', `pid ${pidFile};`];
  // Listen ports come from the conf (18080, h2c 18082); a different BENCH_PORT needs a rewritten copy.
  if (PORT !== 18080) {
    const copy = path.join(dir, 'nginx.conf');
    fs.writeFileSync(
      copy,
      fs
        .readFileSync(conf, 'utf8')
        .replace(/127\.0\.0\.1:18080/g, `127.0.0.1:${PORT}`)
        .replace(/127\.0\.0\.1:18082/g, `127.0.0.1:${H2C_PORT}`),
    );
    args[5] = copy;
  }
  const t = spawnSync(nginx, ['-t', '-q', ...args], { encoding: 'utf8' });
  if (t.status !== 0) throw new Error(`nginx -t failed:\n${t.stdout}${t.stderr}`);
  const argv = [...(PIN_TARGET ? ['taskset', '-c', TARGET_CPU] : []), nginx, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 15000 });
  if (r.status !== 0) throw new Error(`nginx failed to start:\n${r.stdout}${r.stderr}`);
  let master = null;
  const deadline = Date.now() + 5000;
  while (!master && Date.now() < deadline) {
    try {
      master = Number(fs.readFileSync(pidFile, 'utf8')) || null;
    } catch {
      await sleep(50);
    }
  }
  if (!master) throw new Error(`nginx started but wrote no pid file ${pidFile}`);
  const stopSync = () => {
    if (!pidAlive(master)) return;
    process.kill(master, 'SIGQUIT');
    if (!waitGoneSync(master, 5000)) {
      process.kill(master, 'SIGTERM');
      waitGoneSync(master, 2000);
    }
    fs.rmSync(pidFile, { force: true });
    log(`nginx stopped (pid ${master})`);
  };
  target = { kind: 'nginx', stopSync, cpuSeconds: () => childPids(master).reduce((a, p) => a + (readProcStat(p) ?? 0), 0) };
  const ok = await waitReady(5000);
  if (!ok) throw new Error(`nginx is not answering on ${URL_} (see ${dir}/error.log)`);
  target.describe = `nginx (${firstLine([nginx, '-v']).replace(/^nginx version: /, '')}), 1 worker, \`return 200 "hello"\``;
  target.command = cmdline(argv);
  log(`target: nginx master pid ${master} on ${URL_}${PIN_TARGET ? `, CPU ${TARGET_CPU}` : ''}`);
}

async function startBuiltin() {
  if (await portOpen(PORT)) throw new Error(`127.0.0.1:${PORT} is already in use by another process; stop it or set BENCH_PORT`);
  const argv = [...(PIN_TARGET ? ['taskset', '-c', TARGET_CPU] : []), process.execPath, CLI, 'serve', 'http', '--host', '127.0.0.1', '--port', String(PORT)];
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
  });
  child.on('exit', (c, s) => {
    if (target?.kind === 'builtin' && !cleaningUp) log(`built-in target exited (${c ?? s}): ${err.trim()}`);
  });
  const pid = child.pid; // taskset execs, so this is node's pid
  const stopSync = () => {
    if (!pidAlive(pid)) return;
    killGroup(pid, 'SIGTERM');
    if (!waitGoneSync(pid, 3000)) killGroup(pid, 'SIGKILL');
    log(`built-in target stopped (pid ${pid})`);
  };
  target = { kind: 'builtin', stopSync, cpuSeconds: () => readProcStat(pid) ?? 0 };
  const ok = await waitReady(10000);
  if (!ok) throw new Error(`built-in target is not answering on ${URL_}: ${err.trim()}`);
  target.describe = `salvo's built-in target (\`salvo serve http\`, Node ${process.version}), \`/\` returns "hello"`;
  target.command = cmdline(argv.map((a) => (a === process.execPath ? 'node' : a)));
  log(`target: built-in, pid ${pid} on ${URL_}${PIN_TARGET ? `, CPU ${TARGET_CPU}` : ''}`);
}

// ---- tools ------------------------------------------------------------------

const AUTOCANNON = [path.join(ROOT, 'node_modules/.bin/autocannon')].find((p) => fs.existsSync(p)) || which('autocannon');
const WRK = which('wrk');
const H2LOAD = which('h2load');
const WRK_LUA = path.join(HERE, 'wrk-report.lua');

function salvoErrors(s) {
  const non2xx = Object.entries(s.statusCodes || {}).reduce((a, [code, n]) => a + (/^2/.test(code) ? 0 : n), 0);
  return (s.requests?.failed || 0) + (s.requests?.dropped || 0) + non2xx;
}
function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
function lastJsonLine(text) {
  const lines = text.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]);
    } catch {}
  }
  throw new Error('no JSON in output');
}
function autocannonFigures(d) {
  return {
    rps: d.requests.total / d.duration,
    p50: d.latency.p50,
    p99: d.latency.p99,
    errors: (d.errors || 0) + (d.timeouts || 0) + (d.non2xx || 0),
  };
}

const TOOLS = {
  salvo: {
    available: false, // set by snapshotDist()
    missing: 'dist/ not built',
    version: () => `salvo ${firstLine([process.execPath, CLI, '--version'])} on Node ${process.version}`,
    throughput(out, secs) {
      return [process.execPath, CLI, 'run', URL_, '-c', String(CONNECTIONS), '-d', `${secs}s`, '--quiet', '--no-probe', '--out', out];
    },
    rate(out, secs, rate, workers = 1) {
      return [
        process.execPath,
        CLI,
        'run',
        URL_,
        '--rate',
        String(rate),
        '--duration',
        `${secs}s`,
        '-c',
        String(CONNECTIONS),
        '--quiet',
        '--no-probe',
        '--out',
        out,
        ...(workers > 1 ? ['--workers', String(workers)] : []),
      ];
    },
    h2c(out, secs) {
      return [
        process.execPath,
        CLI,
        'run',
        H2C_URL,
        '-c',
        String(H2_CONNECTIONS),
        '--streams',
        String(H2_STREAMS),
        '-d',
        `${secs}s`,
        '--quiet',
        '--no-probe',
        '--out',
        out,
      ];
    },
    parse(_res, out) {
      const r = readJson(out);
      const s = r.summary;
      const completed = s.requests.completed;
      return {
        rps: completed / (r.durationMs / 1000),
        achieved: s.rate.achieved,
        p50: s.latencyMs.uncorrected.p50,
        p99: s.latencyMs.uncorrected.p99,
        p50c: s.latencyMs.corrected.p50,
        p99c: s.latencyMs.corrected.p99,
        lagP99: s.scheduleLagMs?.p99 ?? null,
        lagMax: s.scheduleLagMs?.max ?? null,
        errors: salvoErrors(s),
        sent: s.requests.sent,
        completed,
        failed: s.requests.failed,
        dropped: s.requests.dropped,
        selfCpuPercent: s.generator?.cpuPercent ?? null,
        mainBusyPercent: r.workers?.mainBusyPercent ?? null,
        warnings: s.warnings || [],
      };
    },
  },
  wrk: {
    available: !!WRK,
    missing: 'wrk not installed (e.g. `apt-get install wrk`)',
    version: () => firstLine([WRK, '-v']).replace(/ Copyright.*/, ''),
    throughput(_out, secs) {
      return [WRK, '-t1', `-c${CONNECTIONS}`, `-d${secs}s`, '-s', WRK_LUA, URL_];
    },
    parse(res) {
      const m = /WRK_RESULT (.*)/.exec(res.stdout);
      if (m) {
        const v = Object.fromEntries(
          m[1]
            .trim()
            .split(/\s+/)
            .map((kv) => kv.split('='))
            .map(([k, x]) => [k, Number(x)]),
        );
        return { rps: (v.requests * 1e6) / v.duration_us, p50: v.p50_us / 1000, p99: v.p99_us / 1000, errors: v.errors };
      }
      const rps = /Requests\/sec:\s*([\d.]+)/.exec(res.stdout);
      if (!rps) throw new Error('no "Requests/sec" in wrk output');
      const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(res.stdout);
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(res.stdout);
      return {
        rps: Number(rps[1]),
        p50: null,
        p99: null,
        errors: (errs ? errs.slice(1).reduce((a, x) => a + Number(x), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0),
      };
    },
  },
  h2load: {
    // HTTP/2 only: runs in the h2c section, against nginx.
    available: !!H2LOAD,
    missing: 'h2load not installed (e.g. `apt-get install nghttp2-client`)',
    version: () => firstLine([H2LOAD, '--version']),
    h2c(out, secs) {
      return [H2LOAD, '-t1', `-c${H2_CONNECTIONS}`, `-m${H2_STREAMS}`, '-D', String(secs), `--log-file=${out}.log`, H2C_URL.replace(/^h2c:/, 'http:')];
    },
    parse(res, out) {
      const rps = /finished in [\d.]+s, ([\d.]+) req\/s/.exec(res.stdout);
      const counts = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(res.stdout);
      const non2xx = /status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(res.stdout);
      if (!rps || !counts) throw new Error('no "finished in" or "requests:" line in h2load output');
      // The log file has one line per request: start time, status, response time in µs.
      const us = fs
        .readFileSync(`${out}.log`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => Number(line.split('\t')[2]))
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      const at = (q) => (us.length ? us[Math.min(us.length - 1, Math.floor(q * us.length))] / 1000 : null);
      return {
        rps: Number(rps[1]),
        p50: at(0.5),
        p99: at(0.99),
        errors: Number(counts[2]) + Number(counts[3]) + Number(counts[4]) + (non2xx ? non2xx.slice(1).reduce((a, x) => a + Number(x), 0) : 0),
      };
    },
  },
  autocannon: {
    available: !!AUTOCANNON,
    missing: 'autocannon not found (`npm install`: it is a devDependency)',
    version: () => `autocannon ${firstLine([AUTOCANNON, '--version']).replace(/^autocannon /, '')}`,
    throughput(_out, secs) {
      return [AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(secs), URL_];
    },
    rate(_out, secs, rate) {
      return [AUTOCANNON, '-j', '-R', String(rate), '-c', String(CONNECTIONS), '-d', String(secs), URL_];
    },
    parse(res) {
      const f = autocannonFigures(lastJsonLine(res.stdout));
      return { ...f, achieved: f.rps, p50c: f.p50, p99c: f.p99, lagP99: null };
    },
  },
};
const TP_ORDER = ['salvo', 'wrk', 'autocannon'];
const H2C_ORDER = ['salvo', 'h2load'];
const RATE_ORDER = ['salvo', 'autocannon'];

// One measured run, retried (up to RETRIES) when other work on the machine
// used > 15% of a CPU meanwhile.
const runs = []; // every accepted run: { mode, round, tool, rate?, ...figures }
const problems = [];
const commands = new Map(); // key -> command line (last round)
let retriesDone = 0;

async function measure({ mode, round, tool, rate, workers = 1 }) {
  const t = TOOLS[tool];
  const secs = mode === 'rate' ? RATE_SECONDS : mode === 'workers' ? WORKERS_SECONDS : TP_SECONDS;
  const name = `r${round}-${mode}${mode === 'workers' ? workers : ''}${rate ? `-${rate}` : ''}-${tool}`;
  const out = path.join(LOGS, `${name}.json`);
  const argv = mode === 'rate' || mode === 'workers' ? t.rate(out, secs, rate, workers) : t[mode](out, secs);
  for (let attempt = 0; ; attempt++) {
    fs.rmSync(out, { force: true });
    await waitQuiet();
    const tgt0 = target.cpuSeconds();
    const b0 = busySeconds();
    const res = await runGenerator(argv, { name, timeoutMs: (secs + 45) * 1000 });
    const tgtS = target.cpuSeconds() - tgt0;
    const otherS = b0 == null || res.cpuS == null ? null : busySeconds() - b0 - res.cpuS - tgtS;
    commands.set(`${mode}${mode === 'workers' ? ` ${workers}` : ''}${rate ? ` ${rate}` : ''} ${tool}`, res.shown);
    let fig;
    try {
      if (res.timedOut) throw new Error(`killed after ${secs + 45} s`);
      fig = t.parse(res, out);
      if (!Number.isFinite(fig.rps) || fig.rps <= 0) throw new Error(`no requests completed`);
    } catch (e) {
      const tail = (res.stderr || res.stdout).trim().split('\n').slice(-5).join(' | ');
      const msg = `${tool} ${mode}${rate ? ` @${rate}` : ''} round ${round}: exit ${res.code ?? res.signal}; ${e.message}${tail ? `; output: ${tail}` : ''} (log: ${REL(path.join(LOGS, `${name}.out`))})`;
      log(`FAILED ${msg}`);
      problems.push(msg);
      return null;
    }
    if (res.code !== 0)
      problems.push(
        `${tool} ${mode}${rate ? ` @${rate}` : ''} round ${round}: exited with ${res.code ?? res.signal} (figures kept; log: ${REL(path.join(LOGS, `${name}.out`))})`,
      );
    const row = {
      mode,
      round,
      tool,
      rate: rate ?? null,
      workers,
      ...fig,
      genCpuS: res.cpuS,
      wallS: res.wallS,
      targetCpuS: tgtS,
      otherCpuS: otherS,
      exit: res.code,
    };
    const noisy = otherS != null && otherS > 0.15 * res.wallS;
    if (noisy && attempt < RETRIES) {
      retriesDone++;
      log(`${name}: other load on the machine during the run (${otherS.toFixed(2)} CPU s), retrying`);
      continue;
    }
    row.noisy = noisy;
    runs.push(row);
    const extra =
      mode === 'rate' || mode === 'workers'
        ? `achieved ${fig.achieved.toFixed(1)} (${fmtSigned((fig.achieved / rate - 1) * 100)}), lag p99 ${fmtMs(fig.lagP99)} ms, p99 ${fmtMs(fig.p99c)} ms`
        : `${fmtInt(fig.rps)} req/s, p50 ${fmtMs(fig.p50)} ms, p99 ${fmtMs(fig.p99)} ms`;
    log(
      `${name}: ${extra}, errors ${fig.errors}, gen CPU ${res.cpuS == null ? '?' : ((res.cpuS / res.wallS) * 100).toFixed(0)}%, target CPU ${((tgtS / res.wallS) * 100).toFixed(0)}%`,
    );
    return row;
  }
}

// ---- report -----------------------------------------------------------------

const pctOfWall = (rows, key) => median(rows.map((r) => (r[key] == null ? null : (r[key] / r.wallS) * 100)));

function throughputSection(avail) {
  const by = (tool) => runs.filter((r) => r.mode === 'throughput' && r.tool === tool);
  const perRound = (tool, ref) => {
    const refs = new Map(by(ref).map((r) => [r.round, r.rps]));
    return median(
      by(tool)
        .filter((r) => refs.get(r.round))
        .map((r) => r.rps / refs.get(r.round)),
    );
  };
  const lines = [
    `| tool | req/s | × wrk | × autocannon | p50 ms | p99 ms | errors | gen CPU % | target CPU % | other CPU % | runs |`,
    `|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|`,
  ];
  for (const tool of TP_ORDER) {
    if (!avail.includes(tool)) {
      lines.push(`| ${tool} | not installed | | | | | | | | | 0 |`);
      continue;
    }
    const rows = by(tool);
    if (!rows.length) {
      lines.push(`| ${tool} | failed | | | | | | | | | 0 |`);
      continue;
    }
    lines.push(
      `| ${tool} | ${fmtInt(median(rows.map((r) => r.rps)))} | ${fmtRatio(perRound(tool, 'wrk'))} | ${fmtRatio(perRound(tool, 'autocannon'))} ` +
        `| ${fmtMs(median(rows.map((r) => r.p50)))} | ${fmtMs(median(rows.map((r) => r.p99)))} | ${fmtInt(median(rows.map((r) => r.errors)))} ` +
        `| ${fmtPct(pctOfWall(rows, 'genCpuS'))} | ${fmtPct(pctOfWall(rows, 'targetCpuS'))} | ${fmtPct(pctOfWall(rows, 'otherCpuS'))} | ${rows.length} |`,
    );
  }
  const vsWrk = perRound('salvo', 'wrk');
  const vsAc = perRound('salvo', 'autocannon');
  const checks = [];
  if (avail.includes('wrk'))
    checks.push(['max throughput, salvo ÷ wrk', `≥ ${GOAL_VS_WRK}×`, fmtRatio(vsWrk), vsWrk == null ? 'no data' : vsWrk >= GOAL_VS_WRK ? 'pass' : '**FAIL**']);
  else checks.push(['max throughput, salvo ÷ wrk', `≥ ${GOAL_VS_WRK}×`, '–', 'skipped (wrk not installed)']);
  if (avail.includes('autocannon'))
    checks.push([
      'max throughput, salvo ÷ autocannon',
      `≥ ${GOAL_VS_AUTOCANNON}×`,
      fmtRatio(vsAc),
      vsAc == null ? 'no data' : vsAc >= GOAL_VS_AUTOCANNON ? 'pass' : '**FAIL**',
    ]);
  else checks.push(['max throughput, salvo ÷ autocannon', `≥ ${GOAL_VS_AUTOCANNON}×`, '–', 'skipped (autocannon not found)']);
  const tgt = TP_ORDER.filter((t) => by(t).length)
    .map((t) => [t, pctOfWall(by(t), 'targetCpuS')])
    .filter(([, v]) => v != null);
  const maxTgt = Math.max(...tgt.map(([, v]) => v));
  const serverBound =
    tgt.length && maxTgt >= 80
      ? `The target used ${tgt.map(([t, v]) => `${fmtPct(v)} of its core during ${t}'s runs`).join(', ')}. At ${maxTgt >= 90 ? 'or near ' : 'close to '}that core's capacity the target, not the generator, limits req/s: a ratio near 1× wrk then means "as fast as this target allows", not the generators' own limit. Compare gen CPU % and target CPU % too.`
      : null;
  return { table: lines.join('\n'), checks, serverBound };
}

/** HTTP/2 (h2c) max throughput: salvo and h2load against nginx's h2c server. */
function h2cSection(avail) {
  if (target.kind !== 'nginx')
    return { table: '', checks: [['h2c max throughput, salvo ÷ h2load', `≥ ${GOAL_VS_H2LOAD}×`, '–', 'skipped (only the nginx target serves h2c)']] };
  const by = (tool) => runs.filter((r) => r.mode === 'h2c' && r.tool === tool);
  const h2loadRounds = new Map(by('h2load').map((r) => [r.round, r.rps]));
  const vsH2load = (tool) =>
    median(
      by(tool)
        .filter((r) => h2loadRounds.get(r.round))
        .map((r) => r.rps / h2loadRounds.get(r.round)),
    );
  const lines = [
    `| tool | req/s | × h2load | p50 ms | p99 ms | errors | gen CPU % | target CPU % | other CPU % | runs |`,
    `|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|`,
  ];
  for (const tool of H2C_ORDER) {
    if (!avail.includes(tool)) {
      lines.push(`| ${tool} | ${TOOLS[tool].missing} | | | | | | | | 0 |`);
      continue;
    }
    const rows = by(tool);
    if (!rows.length) {
      lines.push(`| ${tool} | failed | | | | | | | | 0 |`);
      continue;
    }
    lines.push(
      `| ${tool} | ${fmtInt(median(rows.map((r) => r.rps)))} | ${fmtRatio(vsH2load(tool))} ` +
        `| ${fmtMs(median(rows.map((r) => r.p50)))} | ${fmtMs(median(rows.map((r) => r.p99)))} | ${fmtInt(median(rows.map((r) => r.errors)))} ` +
        `| ${fmtPct(pctOfWall(rows, 'genCpuS'))} | ${fmtPct(pctOfWall(rows, 'targetCpuS'))} | ${fmtPct(pctOfWall(rows, 'otherCpuS'))} | ${rows.length} |`,
    );
  }
  const ratio = vsH2load('salvo');
  const check = avail.includes('h2load')
    ? ['h2c max throughput, salvo ÷ h2load', `≥ ${GOAL_VS_H2LOAD}×`, fmtRatio(ratio), ratio == null ? 'no data' : ratio >= GOAL_VS_H2LOAD ? 'pass' : '**FAIL**']
    : ['h2c max throughput, salvo ÷ h2load', `≥ ${GOAL_VS_H2LOAD}×`, '–', `skipped (${TOOLS.h2load.missing})`];
  return { table: lines.join('\n'), checks: [check] };
}

function rateSection(avail) {
  const lines = [
    `| tool | target req/s | achieved req/s | achieved / target | p99 schedule lag ms | p99 corrected ms | errors + dropped | gen CPU % | result | runs |`,
    `|---|--:|--:|--:|--:|--:|--:|--:|---|--:|`,
  ];
  const checks = [];
  for (const rate of RATES) {
    for (const tool of RATE_ORDER) {
      if (!avail.includes(tool)) {
        lines.push(`| ${tool} | ${fmtInt(rate)} | not installed | | | | | | | 0 |`);
        continue;
      }
      const rows = runs.filter((r) => r.mode === 'rate' && r.tool === tool && r.rate === rate);
      if (!rows.length) {
        lines.push(`| ${tool} | ${fmtInt(rate)} | failed | | | | | | **FAIL** | 0 |`);
        if (tool === 'salvo') checks.push([`rate ${fmtInt(rate)} req/s, salvo`, '', 'no data', '**FAIL**']);
        continue;
      }
      const ratio = median(rows.map((r) => r.achieved / rate));
      const lag = median(rows.map((r) => r.lagP99));
      const lagChecked = tool === 'salvo' && LAG_CHECK_RATES.includes(rate);
      const okAcc = (x) => Math.abs(x - 1) <= GOAL_RATE_TOLERANCE;
      const okRow = (r) => okAcc(r.achieved / rate) && (!lagChecked || (r.lagP99 != null && r.lagP99 <= GOAL_LAG_P99_MS));
      const why = [];
      if (!okAcc(ratio)) why.push(`off by ${fmtSigned((ratio - 1) * 100)}`);
      if (lagChecked && !(lag != null && lag <= GOAL_LAG_P99_MS)) why.push(`lag ${fmtMs(lag)} ms > ${GOAL_LAG_P99_MS} ms`);
      const verdict = `${why.length ? `**FAIL** (${why.join('; ')})` : 'pass'}${rows.length > 1 ? `, ${rows.filter(okRow).length}/${rows.length} rounds` : ''}`;
      lines.push(
        `| ${tool} | ${fmtInt(rate)} | ${fmtInt(median(rows.map((r) => r.achieved)))} | ${(ratio * 100).toFixed(2)}% ` +
          `| ${tool === 'salvo' ? fmtMs(lag) : '–'} | ${fmtMs(median(rows.map((r) => r.p99c)))} | ${fmtInt(median(rows.map((r) => r.errors)))} ` +
          `| ${fmtPct(pctOfWall(rows, 'genCpuS'))} | ${verdict} | ${rows.length} |`,
      );
      if (tool === 'salvo') {
        checks.push([
          `rate ${fmtInt(rate)} req/s, salvo achieved / target`,
          `100% ± ${GOAL_RATE_TOLERANCE * 100}%`,
          `${(ratio * 100).toFixed(2)}%`,
          okAcc(ratio) ? 'pass' : '**FAIL**',
        ]);
        if (lagChecked)
          checks.push([
            `rate ${fmtInt(rate)} req/s, salvo p99 schedule lag`,
            `≤ ${GOAL_LAG_P99_MS} ms`,
            `${fmtMs(lag)} ms`,
            lag != null && lag <= GOAL_LAG_P99_MS ? 'pass' : '**FAIL**',
          ]);
      }
    }
  }
  return { table: lines.join('\n'), checks };
}

/**
 * CPU per request in one thread vs on worker threads at one fixed rate. CPU is the whole process's
 * (/usr/bin/time), start-up included, so the threads' start-up counts against them.
 */
function workersSection() {
  const by = (workers) => runs.filter((r) => r.mode === 'workers' && r.workers === workers);
  const cpuPerRequestUs = (r) => (r.genCpuS == null || !r.completed ? null : (r.genCpuS / r.completed) * 1e6);
  const one = median(by(1).map(cpuPerRequestUs));
  const lines = [
    '| generator | achieved req/s | achieved / target | gen CPU s | CPU µs per request | × one thread | main thread busy % | p99 schedule lag ms | runs |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const checks = [];
  for (const workers of [1, WORKERS]) {
    const rows = by(workers);
    const label = workers === 1 ? 'one thread (no --workers)' : `--workers ${workers}`;
    if (!rows.length) {
      lines.push(`| ${label} | failed | | | | | | | 0 |`);
      checks.push([`--workers ${WORKERS}: ${label}`, '', 'no data', '**FAIL**']);
      continue;
    }
    const perRequest = median(rows.map(cpuPerRequestUs));
    const ratio = median(rows.map((r) => r.achieved / WORKERS_RATE));
    const busy = median(rows.map((r) => r.mainBusyPercent));
    lines.push(
      `| ${label} | ${fmtInt(median(rows.map((r) => r.achieved)))} | ${(ratio * 100).toFixed(2)}% | ${median(rows.map((r) => r.genCpuS))?.toFixed(2) ?? '–'} ` +
        `| ${perRequest?.toFixed(1) ?? '–'} | ${one && perRequest ? fmtRatio(perRequest / one) : '–'} | ${busy == null ? '–' : fmtPct(busy, 1)} | ${fmtMs(median(rows.map((r) => r.lagP99)))} | ${rows.length} |`,
    );
    if (workers === 1) continue;
    const cpuRatio = one && perRequest ? perRequest / one : null;
    checks.push([
      `--workers ${workers}: CPU per request ÷ one thread's`,
      `≤ ${GOAL_WORKERS_CPU_RATIO}×`,
      fmtRatio(cpuRatio),
      cpuRatio == null ? 'no data' : cpuRatio <= GOAL_WORKERS_CPU_RATIO ? 'pass' : '**FAIL**',
    ]);
    checks.push([
      `--workers ${workers}: main thread joining seconds`,
      `< ${GOAL_MAIN_BUSY_PERCENT}% of a core`,
      busy == null ? '–' : fmtPct(busy, 1),
      busy == null ? 'no data' : busy < GOAL_MAIN_BUSY_PERCENT ? 'pass' : '**FAIL**',
    ]);
    checks.push([
      `--workers ${workers}: achieved / target at ${fmtInt(WORKERS_RATE)} req/s`,
      `100% ± ${GOAL_RATE_TOLERANCE * 100}%`,
      `${(ratio * 100).toFixed(2)}%`,
      Math.abs(ratio - 1) <= GOAL_RATE_TOLERANCE ? 'pass' : '**FAIL**',
    ]);
  }
  // Scale on paper: what one generator core sends flat out (max throughput), times cores, times shards.
  const tp = runs.filter((r) => r.mode === 'throughput' && r.tool === 'salvo' && r.genCpuS);
  const perCore = median(tp.map((r) => r.rps / (r.genCpuS / r.wallS)));
  return { table: lines.join('\n'), checks, perCore };
}

function report({ avail, skipped, versions, startedAt, elapsedS }) {
  const tp = throughputSection(avail);
  const h2 = h2cSection(avail);
  const rt = rateSection(avail);
  const wk = workersSection();
  const checks = [...tp.checks, ...h2.checks, ...rt.checks, ...wk.checks];
  const cpuModel = (() => {
    try {
      return /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))[1];
    } catch {
      return os.cpus()[0]?.model ?? '?';
    }
  })();
  const noisyRuns = runs
    .filter((r) => r.noisy)
    .map((r) => `${r.tool} ${r.mode}${r.mode === 'workers' ? ` ×${r.workers}` : ''}${r.rate ? ` @${r.rate}` : ''} round ${r.round}`);
  const cmds = [`# target`, target.command, ...[...commands.entries()].map(([k, v]) => `# ${k}\n${v}`)];
  const md = `# salvo benchmark

${startedAt.toISOString().replace('T', ' ').replace(/\..*/, ' UTC')}, ${elapsedS.toFixed(0)} s${QUICK ? ' — **BENCH_QUICK smoke run: 1 round, short runs; not for quoting**' : ''}.
${ROUNDS} round${ROUNDS > 1 ? 's' : ''}, tools interleaved within each round; each figure is the median over rounds, and each ratio is the median of the per-round ratios.

- Target: ${target.describe} on ${URL_}${PIN_TARGET ? `, pinned to CPU ${TARGET_CPU}` : ' (not pinned)'}.
- salvo: ${TOOLS.salvo.version()}, build from dist/ as of ${distBuiltAt.toISOString().replace('T', ' ').replace(/\..*/, ' UTC')} (run from a copy taken at start: \`${REL(SNAPSHOT)}/dist\`).
- Generators: one process each${PIN_GEN ? `, pinned to CPU ${GEN_CPU}` : ' (**not pinned**: taskset missing or fewer than 2 CPUs)'}; ${CONNECTIONS} connections, HTTP/1.1 keep-alive.
- Throughput runs ${TP_SECONDS} s; rate runs ${RATE_SECONDS} s at ${RATES.map(fmtInt).join(', ')} req/s.
- Machine: ${os.cpus().length} CPUs, ${cpuModel}, Linux ${os.release()}; ${versions.join('; ')}.
${skipped.length ? `${skipped.map((s) => `- Skipped: ${s}.`).join('\n')}\n` : ''}
## Issue targets

| check | goal | measured | result |
|---|---|--:|---|
${checks.map((c) => `| ${c.join(' | ')} |`).join('\n')}
${tp.serverBound ? `\n${tp.serverBound}\n` : ''}
## Max throughput (${CONNECTIONS} connections, ${TP_SECONDS} s, one generator core)

${tp.table}

## HTTP/2 max throughput (h2c, ${H2_CONNECTIONS} connections × ${H2_STREAMS} streams, ${TP_SECONDS} s, one generator core)

${target.kind === 'nginx' ? `nginx's h2c server on ${H2C_URL}; salvo \`run ${H2C_URL} -c ${H2_CONNECTIONS} --streams ${H2_STREAMS}\`, h2load \`-c${H2_CONNECTIONS} -m${H2_STREAMS}\` (p50/p99 from its \`--log-file\`).` : 'Skipped: only the nginx target serves h2c.'}

${h2.table}

## Rate accuracy (${RATE_SECONDS} s per run; salvo constant arrival, autocannon \`-R\`)

${rt.table}

Pass: achieved / target within ±${GOAL_RATE_TOLERANCE * 100}% and, for salvo at ${LAG_CHECK_RATES.map(fmtInt).join(', ')} req/s, p99 schedule lag ≤ ${GOAL_LAG_P99_MS} ms (on the medians; "k/n rounds" counts rounds that pass on their own).

## Worker threads (${fmtInt(WORKERS_RATE)} req/s constant arrival, ${WORKERS_SECONDS} s, ${CONNECTIONS} connections)

${wk.table}

CPU per request = the generator process's user+sys CPU seconds (all its threads, start-up included) ÷ completed requests; both runs are pinned to the same generator core${PIN_GEN ? '' : ' (here: not pinned)'}, so this compares efficiency, not parallel speed-up. Main thread busy % = its event-loop utilization over the run (\`result.workers.mainBusyPercent\`): the cost of joining the workers' seconds, progress and thresholds.

Scale on paper: ${wk.perCore ? `${fmtInt(wk.perCore)} req/s per generator core (salvo's max-throughput runs, req/s ÷ its CPU share) × cores per machine (\`--workers auto\`) × shards` : 'no max-throughput figure to scale from'}.

## Notes

- req/s = completed requests ÷ the tool's measured duration (salvo: \`summary.requests.completed / durationMs\`; wrk: \`requests / duration\` from \`bench/wrk-report.lua\`; autocannon: \`requests.total / duration\`). Rate "achieved" = salvo's \`summary.rate.achieved\`, autocannon's \`requests.total / duration\`.
- Latency: salvo in µs resolution (throughput table: uncorrected = service time, equal to corrected in the closed model; rate table: corrected for coordinated omission, i.e. from the scheduled send time); wrk µs; autocannon whole ms (its \`-R\` latencies are corrected). p99 schedule lag (salvo only) = how late requests were sent versus their scheduled time.
- errors = transport errors + non-2xx (+ salvo's dropped requests; autocannon's timeouts).
- gen CPU % = user+sys CPU seconds of the generator process ÷ its wall time (${CPU_METHOD ?? 'not measured'}; includes start-up, ~0.3 s for Node tools); 100% = one core saturated. target CPU % = the target's CPU over the same wall time; near 100% means the run is target-bound. other CPU % = the rest of the machine's busy time (loopback softirq, other processes; from /proc/stat ticks, approximate, may read slightly negative). Each run first waits for an idle machine (up to ${QUIET_WAIT_S} s) and is retried (up to ${RETRIES}×) if other load exceeded 15% of a CPU.
- Retries because of other load: ${retriesDone}. Idle-wait timeouts: ${quietTimeouts}. Runs kept despite other load: ${noisyRuns.length ? noisyRuns.join(', ') : 'none'}.
- Problems: ${problems.length ? `\n${problems.map((p) => `  - ${p}`).join('\n')}` : 'none'}

## Commands (last round)

${TIME_BIN ? `Each generator command runs as \`taskset -c ${GEN_CPU} /usr/bin/time -f "%U %S %e" -o FILE <command>\`; shown without the time wrapper.` : ''}

\`\`\`sh
${cmds.join('\n')}
\`\`\`
`;
  return md;
}

// ---- main -------------------------------------------------------------------

let distBuiltAt = null;
function snapshotDist() {
  const main = path.join(DIST, 'src/cli/main.js');
  if (!fs.existsSync(main)) throw new Error(`${REL(main)} not found: run \`npm run build\` first`);
  let newest = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(DIST);
  distBuiltAt = new Date(newest);
  fs.rmSync(SNAPSHOT, { recursive: true, force: true });
  fs.mkdirSync(SNAPSHOT, { recursive: true });
  fs.cpSync(DIST, path.join(SNAPSHOT, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(SNAPSHOT, 'package.json'));
  TOOLS.salvo.available = true;
  log(`salvo: using a copy of dist/ (newest file ${distBuiltAt.toISOString()}) in ${REL(SNAPSHOT)}`);
}

async function main() {
  const startedAt = new Date();
  fs.mkdirSync(LOGS, { recursive: true });
  for (const f of fs.readdirSync(LOGS)) fs.rmSync(path.join(LOGS, f), { force: true });
  snapshotDist();

  const avail = Object.keys(TOOLS).filter((t) => TOOLS[t].available);
  const skipped = Object.keys(TOOLS)
    .filter((t) => !TOOLS[t].available)
    .map((t) => TOOLS[t].missing);
  for (const s of skipped) log(`skipping: ${s}`);
  if (!PIN_GEN) log(`not pinning generators (taskset ${HAS_TASKSET ? 'present' : 'missing'}, CPUs ${os.cpus().length})`);
  if (!CPU_METHOD) log('no way to measure generator CPU (/usr/bin/time and /proc missing): gen CPU % left blank');
  const versions = avail.filter((t) => t !== 'salvo').map((t) => TOOLS[t].version());

  const nginx = which('nginx') || ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => fs.existsSync(p));
  if (TARGET_KIND === 'nginx' && !nginx) throw new Error('BENCH_TARGET=nginx but nginx is not installed');
  if (TARGET_KIND !== 'builtin' && nginx) await startNginx(nginx);
  else await startBuiltin();

  log(
    `${ROUNDS} round(s): throughput ${TP_SECONDS} s × [${TP_ORDER.filter((t) => avail.includes(t)).join(', ')}], h2c ${TP_SECONDS} s × [${target.kind === 'nginx' ? H2C_ORDER.filter((t) => avail.includes(t)).join(', ') : 'skipped: no nginx'}], rate ${RATE_SECONDS} s × ${RATES.join('/')} req/s × [${RATE_ORDER.filter((t) => avail.includes(t)).join(', ')}]`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    log(`--- round ${round}/${ROUNDS}`);
    for (const tool of TP_ORDER) if (avail.includes(tool)) await measure({ mode: 'throughput', round, tool });
    if (target.kind === 'nginx') for (const tool of H2C_ORDER) if (avail.includes(tool)) await measure({ mode: 'h2c', round, tool });
    for (const rate of RATES) {
      for (const tool of RATE_ORDER) if (avail.includes(tool)) await measure({ mode: 'rate', round, tool, rate });
    }
    for (const workers of [1, WORKERS]) await measure({ mode: 'workers', round, tool: 'salvo', rate: WORKERS_RATE, workers });
  }

  const md = report({ avail, skipped, versions, startedAt, elapsedS: (Date.now() - startedAt) / 1000 });
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), md);
  fs.writeFileSync(
    path.join(RESULTS, 'latest.json'),
    JSON.stringify(
      {
        startedAt,
        quick: QUICK,
        rounds: ROUNDS,
        throughputSeconds: TP_SECONDS,
        rateSeconds: RATE_SECONDS,
        rates: RATES,
        workers: { rate: WORKERS_RATE, count: WORKERS, seconds: WORKERS_SECONDS },
        connections: CONNECTIONS,
        target: target.kind,
        url: URL_,
        runs,
        problems,
        commands: Object.fromEntries(commands),
      },
      null,
      2,
    ),
  );
  process.stdout.write(md);
  log(`wrote ${REL(path.join(RESULTS, 'latest.md'))} and latest.json`);
  return problems.length ? 1 : 0;
}

/** A side script's markdown, appended to latest.md; its environment switch set to 0 skips it. */
function sideSection(script, title, skipVariable) {
  if (env[skipVariable] === '0') return 0;
  log(`--- ${title} (bench/${script})`);
  const res = spawnSync(process.execPath, [path.join(HERE, script)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (res.stdout) {
    process.stdout.write(`\n${res.stdout}`);
    fs.appendFileSync(path.join(RESULTS, 'latest.md'), `\n${res.stdout}`);
  }
  return res.status ?? 2;
}

const SIDE_SECTIONS = [
  ['servo-fleet.mjs', 'servo-fleet emulator', 'BENCH_SERVO'],
  ['grpc.mjs', 'gRPC unary: salvo vs a grpc-js client loop, rate accuracy', 'BENCH_GRPC'],
  ['floor.mjs', "the machine's scheduling floor beside salvo's lag; --jit auto vs peak at a high rate, alone and on a shared core", 'BENCH_FLOOR'],
];

main().then(
  (code) => {
    cleanupSync();
    process.exitCode = Math.max(code, ...SIDE_SECTIONS.map((section) => sideSection(...section)));
  },
  (err) => {
    log(`error: ${err.message}`);
    cleanupSync();
    process.exitCode = 2;
  },
);
