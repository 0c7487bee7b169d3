// Soak: a long run at a steady rate against a local target, sampling the generator's (and the
// target's) resident memory and open file descriptors, to show neither grows with time.
//
//   node bench/soak.mjs                              # 10 minutes at 5,000 req/s (npm run build first)
//   SOAK_DURATION=2m SOAK_RATE=2000 node bench/soak.mjs
//
// Flat means: the median of the last minute's samples is within ±10% of the median of the minute
// after warm-up (the first minute: JIT, histograms and connection pools reach their size in it).
// Prints a markdown table; writes every sample to bench/results/soak.json. Linux only (/proc).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// SOAK_MAIN: another build of salvo to soak (a copy, so that rebuilding this tree meanwhile does not touch it).
const MAIN = process.env.SOAK_MAIN ?? path.join(ROOT, 'dist/src/cli/main.js');
const DURATION = process.env.SOAK_DURATION ?? '10m';
const RATE = Number(process.env.SOAK_RATE ?? 5000);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_S ?? 5) * 1000;
const WARMUP_MS = 60_000;
const WINDOW_MS = 60_000;
const TOLERANCE = 0.1;

const durationMs = (text) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`SOAK_DURATION "${text}" is not a duration (10m, 90s)`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2]];
};

function sampleOf(pid) {
  try {
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    return { rssMb: rssKb / 1024, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined; // the process is gone
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
};

function startTarget() {
  const child = spawn(process.execPath, [MAIN, 'serve', 'http', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match) resolve({ child, url: `${match[1]}/` });
    });
    child.once('exit', (code) => reject(new Error(`the target exited (code ${code}) before it listened`)));
  });
}

const runMs = durationMs(DURATION);
if (runMs < WARMUP_MS + 2 * WINDOW_MS) throw new Error(`SOAK_DURATION must be at least 3m: a minute of warm-up and two of windows`);
const target = await startTarget();
const out = path.join(ROOT, 'bench/results/soak-result.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
const generator = spawn(process.execPath, [MAIN, 'run', target.url, '--rate', String(RATE), '-d', DURATION, '-q', '--out', out], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const startedMs = Date.now();
const samples = [];
const timer = setInterval(() => {
  const atMs = Date.now() - startedMs;
  const salvo = sampleOf(generator.pid);
  const served = sampleOf(target.child.pid);
  if (salvo) samples.push({ atMs, generator: salvo, target: served });
  process.stderr.write(`\r${Math.round(atMs / 1000)} s: generator ${salvo?.rssMb.toFixed(1)} MB, ${salvo?.fds} fds   `);
}, SAMPLE_MS);
const [code] = await new Promise((resolve) => generator.once('exit', (...args) => resolve(args)));
clearInterval(timer);
target.child.kill('SIGTERM');
process.stderr.write('\n');

const windowOf = (fromMs, toMs) => samples.filter(({ atMs }) => atMs >= fromMs && atMs < toMs);
const early = windowOf(WARMUP_MS, WARMUP_MS + WINDOW_MS);
const late = windowOf(runMs - WINDOW_MS, runMs);
const rows = [];
for (const who of ['generator', 'target']) {
  for (const [metric, unit] of [
    ['rssMb', 'MB'],
    ['fds', ''],
  ]) {
    const before = median(early.map((sample) => sample[who]?.[metric]).filter(Number.isFinite));
    const after = median(late.map((sample) => sample[who]?.[metric]).filter(Number.isFinite));
    const ratio = after / before;
    rows.push({ who, metric, before, after, ratio, flat: Math.abs(ratio - 1) <= TOLERANCE });
    void unit;
  }
}
const result = JSON.parse(fs.readFileSync(out, 'utf8'));
const { requests } = result.summary;
console.log(
  `soak: ${DURATION} at ${RATE} req/s, exit ${code}; sent ${requests.sent}, completed ${requests.completed}, failed ${requests.failed}, dropped ${requests.dropped}; achieved ${result.summary.rate.achieved} req/s\n`,
);
console.log('| process | metric | minute 2 (median) | last minute (median) | last ÷ minute 2 | flat (±10%) |');
console.log('|---|---|---|---|---|---|');
for (const { who, metric, before, after, ratio, flat } of rows) {
  const shown = (value) => (metric === 'rssMb' ? `${value.toFixed(1)} MB` : String(value));
  console.log(
    `| ${who} | ${metric === 'rssMb' ? 'RSS' : 'open fds'} | ${shown(before)} | ${shown(after)} | ${ratio.toFixed(3)} | ${flat ? 'yes' : '**no**'} |`,
  );
}
fs.writeFileSync(path.join(ROOT, 'bench/results/soak.json'), `${JSON.stringify({ duration: DURATION, rate: RATE, exitCode: code, rows, samples }, null, 2)}\n`);
process.exitCode = code === 0 && rows.every(({ flat }) => flat) ? 0 : 1;
