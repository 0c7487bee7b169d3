import { ClosedLoop } from './closed-loop.js';
import type { RunningExecutor } from './executor.js';

/**
 * The closed loop of wrk and autocannon: every slot sends its next request as soon as the last one
 * ends. A request is intended when it is sent, so corrected and uncorrected latency agree here.
 */
export class MaxThroughputExecutor extends ClosedLoop implements RunningExecutor {
  protected fill(): void {
    const { transport, clock } = this.context;
    while (this.issuing && transport.trySend(clock.nowUs()));
  }

  setRate(): void {
    throw new Error('max-throughput has no rate to change; change its concurrency instead');
  }

  setConcurrency(connections: number): void {
    this.context.transport.setMaxConnections(connections);
  }
}
