import type { Timer } from '../time/clock.js';
import type { ExecutorContext, RunningExecutor } from './executor.js';

/**
 * The closed loop of wrk and autocannon: every slot sends its next request as soon as the last one
 * ends. A request is intended when it is sent, so corrected and uncorrected latency agree here.
 */
export class MaxThroughputExecutor implements RunningExecutor {
  private issuing = false;
  private onIssued: () => void = () => {};
  private endTimer: Timer | undefined;

  constructor(private readonly context: ExecutorContext) {}

  start(onIssued: () => void): void {
    this.onIssued = onIssued;
    this.issuing = true;
    // Slots notice the end when they free up; a hung target frees none, so a timer notices too.
    this.endTimer = this.context.clock.setTimer(() => this.stop(), this.context.durationUs / 1000);
    this.onSlotFree();
  }

  onSlotFree(): void {
    const { transport, clock, startUs, durationUs } = this.context;
    if (!this.issuing) return;
    if (clock.nowUs() - startUs >= durationUs) {
      this.stop();
      return;
    }
    while (this.issuing && transport.trySend(clock.nowUs()));
  }

  queued(): number {
    return 0;
  }

  stop(): void {
    if (!this.issuing) return;
    this.issuing = false;
    this.endTimer?.cancel();
    this.onIssued();
  }

  setRate(): void {
    throw new Error('max-throughput has no rate to change; change its concurrency instead');
  }

  setConcurrency(connections: number): void {
    this.context.transport.setMaxConnections(connections);
  }
}
