import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml, stringify } from 'yaml';
import { validatePlan } from '../../src/plan/index.js';
import { run } from '../../src/runner/index.js';
import { WORKER_CALL, WORKER_PROTO } from '../../src/targets/grpc-worker.js';
import { startTargetProcess } from '../../src/targets/target-process.js';
import type { SweepManifest } from '../../src/sweep/study-dir.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/study/', import.meta.url));

/**
 * The generator and the worker are what is measured: on a machine shared with other work they are
 * given a larger share of the CPU where the system allows it (root), so the queueing the study
 * measures is not drowned by other processes' time slices. Elsewhere they run as they are.
 */
function favour(pid: number | undefined): void {
  if (pid === undefined) return;
  // Linux gives each thread its own nice value: every thread of the process (the worker's spinning one too).
  let threads: number[];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    threads = [pid];
  }
  for (const thread of threads) {
    try {
      setPriority(thread, -20);
    } catch {
      // Not permitted here: the checks below then rely on their margins and the measured capacity alone.
    }
  }
}

const AUTOGROUP = '/proc/self/autogroup';

/**
 * Where Linux groups processes by session for the CPU (autogroup), a thread's nice value counts only
 * against its own session's: other sessions' work would still take the worker's core from it. The
 * session is then favoured too, for the test's length; the returned function gives its share back.
 */
function favourSession(): () => void {
  let niceBefore: string | undefined;
  try {
    niceBefore = /nice (-?\d+)/.exec(readFileSync(AUTOGROUP, 'utf8'))?.[1];
    if (niceBefore === undefined) return () => {};
    writeFileSync(AUTOGROUP, '-10');
  } catch {
    return () => {}; // no autogroups here, or not permitted: nice values alone
  }
  return () => writeFileSync(AUTOGROUP, niceBefore);
}

/** The study's rates as the example writes them, for a worker that serves 1000/spinMs calls a second. */
const NOMINAL_RATES = [20, 40, 60];
const LONGEST_SPIN_MS = 10;
/**
 * How busy the worker is in the study's busiest cell (top rate, longest spin): busy enough that Poisson
 * arrivals queue well above what the machine's own hiccups add (an M/D/1 queue's p99 is about six
 * service times at 0.7, a D/D/1 queue's one), and far enough below 1 that the worker still keeps up
 * when a machine busy with other work gives it a third less than it had when its capacity was measured.
 */
const BUSIEST_UTILISATION = 0.7;
const CAPACITY_PROBE_MS = 2000;

/**
 * Calls a second the worker completes at the longest spin, on this machine, now: offered half again its
 * nominal capacity. A machine busy with other work, or a slower one, has less to give it.
 */
async function measuredCapacity(url: string): Promise<number> {
  const plan = validatePlan({
    target: { url, proto: WORKER_PROTO, call: WORKER_CALL, data: JSON.stringify({ ms: LONGEST_SPIN_MS }) },
    executor: { type: 'constant-arrival-rate', ratePerSec: 1.5 * (1000 / LONGEST_SPIN_MS), durationMs: CAPACITY_PROBE_MS },
    connections: 4,
    gracefulStopMs: 0,
  });
  const { summary } = await run(plan);
  const capacity = summary.rate.achieved;
  // The calls still queued at the worker are spun before the study starts: at its own pace, and twice that long to be sure.
  const backlog = summary.requests.sent - summary.requests.completed;
  await new Promise((resolve) => setTimeout(resolve, 2 * (backlog / capacity) * 1000 + 500));
  return capacity;
}

/** Runs `salvo sweep` until it exits, or, given `killAfter`, kills it (SIGKILL, no clean-up) once that many runs have finished. */
async function sweepProcess(args: string[], killAfter?: number): Promise<{ status: number | null; signal: string | null; stdout: string }> {
  const child = spawn(process.execPath, [MAIN, 'sweep', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  favour(child.pid);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout === '') favour(child.pid); // again, now that its threads have started
    stdout += chunk;
    // "[k/n]" is printed as run k starts, after run k-1's file and the manifest are written.
    if (killAfter !== undefined && stdout.includes(`[${killAfter + 1}/`)) child.kill('SIGKILL');
  });
  const [status, signal] = (await once(child, 'close')) as [number | null, string | null];
  return { status, signal, stdout };
}

type Row = Record<string, string>;
const value = (row: Row | undefined, column: string): number => Number(row![column]);

/**
 * The scaled-down Knative study from examples/study/ against a local gRPC worker: three rates
 * in the example's proportions (20:40:60), scaled to the worker's measured capacity so that the top one
 * keeps it 0.7 busy at 10 ms (23/47/70 req/s where it serves its nominal 100 calls a second) ×
 * uniform/poisson × spin 2/5/10 ms, 2 repeats of 4 s cells with 1 s warm-up. It is killed mid-sweep and resumed, then its CSV must show the published findings.
 */
test('the scaled-down Knative study: 18 rows and the plots, a killed run resumed without redoing a finished cell, and the published findings', {
  timeout: 600_000,
}, async () => {
  const unfavourSession = favourSession();
  // On worker threads, so the service time each call reports is its spin alone, not the wait before it.
  const worker = await startTargetProcess('grpc-worker', ['--replicas', '1']);
  favour(worker.child.pid);
  favour(process.pid); // the generator that measures the worker's capacity
  const dir = mkdtempSync(join(tmpdir(), 'salvo-study-'));
  try {
    const plan = parseYaml(readFileSync(join(EXAMPLE, 'worker.yaml'), 'utf8')) as { target: Record<string, unknown> };
    writeFileSync(join(dir, 'worker.yaml'), stringify({ ...plan, target: { ...plan.target, url: worker.url, proto: WORKER_PROTO } }));
    // The study's rates keep the example's proportions (1:2:3), scaled so that its busiest cell keeps
    // the worker BUSIEST_UTILISATION busy by the capacity measured here and now.
    const capacity = await measuredCapacity(worker.url);
    const busiestRatePerSec = BUSIEST_UTILISATION * capacity;
    const rates = NOMINAL_RATES.map((rate) => Math.max(1, Math.round((rate / NOMINAL_RATES.at(-1)!) * busiestRatePerSec)));
    const sweep = parseYaml(readFileSync(join(EXAMPLE, 'sweep.yaml'), 'utf8')) as { grid: Record<string, unknown> };
    assert.deepEqual(sweep.grid.rate, NOMINAL_RATES);
    writeFileSync(join(dir, 'sweep.yaml'), stringify({ ...sweep, grid: { ...sweep.grid, rate: rates } }));
    console.log(`# worker capacity at ${LONGEST_SPIN_MS} ms: ${capacity} calls/s; study rates ${rates.join(', ')} req/s`);
    const outDir = join(dir, 'logs');
    const args = [join(dir, 'sweep.yaml'), '--out-dir', outDir];

    const killed = await sweepProcess(args, 6);
    assert.equal(killed.signal, 'SIGKILL', killed.stdout);
    const runFiles = (): string[] => readdirSync(outDir).filter((name) => /\.r\d+\.json$/.test(name));
    const finished = runFiles();
    assert.ok(finished.length >= 6 && finished.length < 36, `${finished.length} runs finished before the kill`);
    for (const name of finished) JSON.parse(readFileSync(join(outDir, name), 'utf8')); // every one whole
    const before = new Map(finished.map((name) => [name, statSync(join(outDir, name)).mtimeMs]));

    const resumed = await sweepProcess(args);
    assert.equal(resumed.status, 0, resumed.stdout);
    assert.match(resumed.stdout, new RegExp(`: ${finished.length} runs already done there are skipped`));
    assert.match(resumed.stdout, new RegExp(`done: 36 runs \\(${36 - finished.length} now, ${finished.length} before\\), 18 cells`));
    for (const [name, mtimeMs] of before) assert.equal(statSync(join(outDir, name)).mtimeMs, mtimeMs, `${name} was not run again`);
    const started = [...resumed.stdout.matchAll(/^\[\d+\/36\] cell \d+\/18 (.*) · repeat (\d)\/2/gm)].map((match) => match[0]);
    assert.equal(started.length, 36 - finished.length, 'only the unfinished runs started');
    assert.equal(runFiles().length, 36);
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as SweepManifest;
    assert.equal(manifest.state, 'complete');

    const rows = parseCsv(readFileSync(join(outDir, 'results.csv'), 'utf8'), { columns: true }) as Row[];
    assert.equal(rows.length, 18);
    assert.deepEqual(Object.keys(rows[0]!).slice(0, 4), ['rate', 'arrival', 'spinMs', 'repeats']);
    assert.deepEqual(readdirSync(join(outDir, 'plots')).sort(), ['heatmap.svg', 'latency.svg', 'slowdown.svg', 'success-rate.svg']);
    for (const row of rows) {
      assert.equal(row.repeats, '2');
      assert.ok(value(row, 'successRate') >= 0.99, `${JSON.stringify(row)}`);
      assert.ok(value(row, 'slowdownP50') >= 1, 'latency is never below the service time');
      assert.ok(row.latencyP99LowMs !== '' && value(row, 'latencyP99LowMs') <= value(row, 'latencyP99HighMs'));
    }
    const cell = (rate: number, arrival: string, spinMs: number): Row | undefined =>
      rows.find((row) => row.rate === String(rate) && row.arrival === arrival && row.spinMs === String(spinMs));

    // The findings are checked where queueing theory says they must show: in the busiest cell (top rate,
    // longest spin, the worker 0.7 busy), an M/D/1 queue's p99 (Poisson arrivals) is about six service
    // times and a D/D/1 queue's (uniform ones) one, so the machine's own hiccups, which delay both, would
    // have to last most of that p99 to hide the difference; at the lowest rate (0.23 busy) Poisson's p99
    // is about two and a half.
    const spinMs = LONGEST_SPIN_MS;
    const [lowestRate, , topRate] = rates as [number, number, number];
    const describe = (row: Row | undefined): string =>
      `${row!.rate} req/s ${row!.arrival} ${row!.spinMs} ms: mean ${row!.latencyMeanMs} p99 ${row!.latencyP99Ms} slowdown p99 ${row!.slowdownP99}`;
    const loaded = cell(topRate, 'poisson', spinMs);
    const light = cell(lowestRate, 'poisson', spinMs);
    const uniform = cell(topRate, 'uniform', spinMs);
    console.log(`# ${describe(loaded)} | ${describe(uniform)} | ${describe(light)}`);

    // Latency rises with rate: Poisson's p99 at the top rate above that at the lowest, same spin.
    assert.ok(value(loaded, 'latencyP99Ms') > value(light, 'latencyP99Ms'), `p99 rises with rate: ${describe(loaded)} vs ${describe(light)}`);
    // At the same rate, once the worker is busy, Poisson has the higher p99 and the higher p99 slowdown.
    for (const column of ['latencyP99Ms', 'slowdownP99']) {
      assert.ok(value(loaded, column) > value(uniform, column), `${column}: ${describe(loaded)} vs ${describe(uniform)}`);
    }
    // Longer spin raises mean latency: for each arrival, the cells at 10 ms against those at 2 ms, over all rates.
    for (const arrival of ['uniform', 'poisson']) {
      const meanOver = (spin: number): number => rates.reduce((sum, rate) => sum + value(cell(rate, arrival, spin), 'latencyMeanMs'), 0);
      assert.ok(meanOver(10) > meanOver(2), `${arrival}: mean latency summed over rates ${meanOver(10)} ms at 10 ms spin vs ${meanOver(2)} ms at 2 ms`);
    }
  } finally {
    await worker.stop();
    unfavourSession();
    rmSync(dir, { recursive: true, force: true });
  }
});
