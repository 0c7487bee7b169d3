// Keeps cores busy with plain busy loops, each a child process that ends itself when its time is up,
// so that a test suite or a benchmark can be run on a busy machine.
// usage: node scripts/cpu-hogs.mjs [count = cores] [seconds = 600]   (ends them on SIGINT/SIGTERM too)
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const LOOP = 'const end = Date.now() + Number(process.argv[1]) * 1000; while (Date.now() < end) {}';

/** Starts `count` busy loops of `seconds` each; `stop()` ends them at once. */
export function startCpuHogs(count, seconds) {
  const hogs = Array.from({ length: count }, () => spawn(process.execPath, ['-e', LOOP, String(seconds)], { stdio: 'ignore' }));
  return {
    pids: hogs.map((hog) => hog.pid),
    stop: () => hogs.forEach((hog) => hog.exitCode === null && hog.kill()),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? availableParallelism());
  const seconds = Number(process.argv[3] ?? 600);
  const hogs = startCpuHogs(count, seconds);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (hogs.stop(), process.exit(0)));
}
