import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface SpinOrder {
  id: number;
  ms: number;
}

export interface SpinDone {
  id: number;
  /** How long the replica spun: the service time, without the wait for a free replica. */
  serviceMs: number;
  /** When it started, epoch ms. */
  startEpochMs: number;
}

const SPIN_THREAD = new URL('./spin-thread.js', import.meta.url);

/**
 * CPU replicas on worker threads: each spins for one request at a time, and requests wait in order
 * for a free one, as calls wait for a free instance of an autoscaled service held at N instances.
 * The main thread stays free to take calls while they spin.
 */
export class SpinPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: SpinOrder[] = [];
  private readonly pending = new Map<number, (done: SpinDone) => void>();
  private nextId = 0;

  private constructor(private readonly threads: Worker[]) {
    for (const thread of threads) {
      thread.on('message', (done: SpinDone) => {
        this.pending.get(done.id)?.(done);
        this.pending.delete(done.id);
        const next = this.waiting.shift();
        if (next) thread.postMessage(next);
        else this.idle.push(thread);
      });
      this.idle.push(thread);
    }
  }

  /** Starts `replicas` threads and resolves once every one is running. */
  static async start(replicas: number): Promise<SpinPool> {
    const threads = Array.from({ length: replicas }, () => new Worker(SPIN_THREAD));
    await Promise.all(threads.map((thread) => once(thread, 'online')));
    return new SpinPool(threads);
  }

  /** Spins `ms` on the first free replica. */
  spin(ms: number): Promise<SpinDone> {
    const order = { id: this.nextId++, ms };
    const done = new Promise<SpinDone>((resolve) => this.pending.set(order.id, resolve));
    const thread = this.idle.pop();
    if (thread) thread.postMessage(order);
    else this.waiting.push(order);
    return done;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
