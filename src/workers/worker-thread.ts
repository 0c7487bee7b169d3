import { parentPort, workerData } from 'node:worker_threads';
import { startLoad, type LocalRunHandle } from '../runner/run.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

// The entry point of one worker thread: it runs its share of the plan as an ordinary run and reports it.
const port = parentPort!;
const { plan, jit, liveUncorrected } = workerData as WorkerSetup;
const send = (message: FromWorker): void => port.postMessage(message);
/** Orders that came before the run was under way. */
const early: ToWorker[] = [];
let handle: LocalRunHandle | undefined;

function obey(run: LocalRunHandle, message: ToWorker): void {
  if (message.type === 'stop') run.stop(message.reason);
  else if (message.type === 'rate') run.setRate(message.ratePerSec);
  else if (message.type === 'concurrency') run.setConcurrency(message.connections);
}

async function start(atMs: number): Promise<void> {
  try {
    const run = await startLoad(plan, {
      jit,
      liveUncorrected,
      startAtEpochMs: atMs,
      onSecond: (sample) => send({ type: 'second', sample, checkpoint: run.checkpoint() }),
    });
    handle = run;
    for (const message of early.splice(0)) obey(run, message);
    send({ type: 'result', result: await run.result });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
  // Nothing else holds the thread: it ends once the message is out.
  port.unref();
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') void start(message.atMs);
  else if (handle) obey(handle, message);
  else early.push(message);
});
send({ type: 'loaded' });
