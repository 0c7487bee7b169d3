import { workerData } from 'node:worker_threads';
import type { WorkerSetup } from '../../src/workers/protocol.js';
import '../../src/workers/worker-thread.js';

// A real worker whose last share dies about 2.5 s after it loads: by a throw, or by process.exit as a kill would.
const { plan } = workerData as WorkerSetup & { plan: { shard: { index: number; count: number } } };
const how = process.env.SALVO_TEST_DEATH ?? 'throw';
if (plan.shard.index === plan.shard.count) {
  setTimeout(() => {
    if (how === 'exit') process.exit(3);
    throw new Error('the test worker died on purpose');
  }, 2500);
}
