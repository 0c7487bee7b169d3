// What the side scripts of `npm run bench` (grpc.mjs, servo-fleet.mjs) share about the machine:
// pinning to a CPU, reading CPU time from /proc, and waiting for the machine to be quiet.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

const CLK_TCK = 100;

export const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
export const PIN = has('taskset') && os.cpus().length >= 2;
export const pinned = (cpu, argv) => (PIN ? ['taskset', '-c', cpu, ...argv] : argv);

/** User + system CPU seconds a process has used so far (NaN once it is gone). */
export function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

function busySeconds() {
  // all CPUs: user nice system irq softirq steal
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return (f[1] + f[2] + f[3] + f[6] + f[7] + (f[8] || 0)) / CLK_TCK;
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once something accepts connections on the port (a target or a server a script started). */
export async function answering(port) {
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

/**
 * Waits (up to `waitS`) for an idle machine, < 10% of one CPU over 0.5 s, as bench/run.mjs does;
 * `timeouts()` counts the waits that gave up.
 */
export function quietWaiter(waitS, log) {
  let timeouts = 0;
  return {
    timeouts: () => timeouts,
    async wait() {
      if (busySeconds() == null) return;
      const deadline = Date.now() + waitS * 1000;
      for (;;) {
        const b0 = busySeconds();
        await sleep(500);
        if (busySeconds() - b0 <= 0.05) return;
        if (Date.now() >= deadline) {
          timeouts++;
          log(`machine still busy after ${waitS} s; running anyway`);
          return;
        }
        await sleep(1500);
      }
    },
  };
}
