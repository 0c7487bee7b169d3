import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { spin } from './service-time.js';
import type { SpinDone, SpinOrder } from './spin-pool.js';

// One replica of `salvo serve grpc-worker --replicas N`: spins for each order it is given, one at a time.
const port = parentPort!;
port.on('message', ({ id, ms }: SpinOrder) => {
  const startMs = performance.now();
  spin(ms);
  const done: SpinDone = { id, serviceMs: performance.now() - startMs, startEpochMs: performance.timeOrigin + startMs };
  port.postMessage(done);
});
