// The naive generator that bench/floor.mjs and bench/lag-builds.mjs set salvo's schedule lag beside.
import { spawnSync } from 'node:child_process';
import { pinned } from './machine.mjs';

// The naive generator: request i due at t0 + i/rate, sent from a setImmediate loop on 50 raw
// keep-alive sockets taken in turn (pipelined when one has not answered yet); its lateness is
// now − due at each send. It parses nothing: the least a generator in Node can do at this rate.
const NAIVE = `
  const net = require('node:net'); const { performance } = require('node:perf_hooks');
  const [host, port, rate, seconds] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
  const request = Buffer.from('GET / HTTP/1.1\\r\\nHost: ' + host + '\\r\\n\\r\\n');
  const sockets = Array.from({ length: 50 }, () => net.connect(port, host).on('data', () => {}).setNoDelay(true));
  const total = rate * seconds; const lags = new Float64Array(total);
  Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r)))).then(() => {
    const t0 = performance.now(); let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && t0 + (i * 1000) / rate <= now) { lags[i] = now - (t0 + (i * 1000) / rate); sockets[i % 50].write(request); i++; }
      if (i < total) setImmediate(tick);
      else { const sorted = Array.from(lags).sort((a, b) => a - b); sockets.forEach((s) => s.destroy());
        console.log(JSON.stringify({ p50LagMs: sorted[Math.floor(total / 2)], p99LagMs: sorted[Math.floor(total * 0.99)], maxLagMs: sorted[total - 1] })); }
    };
    tick();
  });`;

/** Runs the naive generator pinned to CPU 1 against host:port; returns its p50/p99/max lateness, ms. */
export function naiveLag(host, port, rate, seconds) {
  const argv = pinned('1', [process.execPath, '-e', NAIVE, host, String(port), String(rate), String(seconds)]);
  const child = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: (seconds + 60) * 1000 });
  if (child.status !== 0) throw new Error(`naive generator: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}
