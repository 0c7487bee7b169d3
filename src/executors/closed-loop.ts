import type { Timer } from '../time/clock.js';
import type { ExecutorContext } from './executor.js';

/**
 * What the closed-loop executors share: from the start until the duration ends they send whenever a
 * slot frees up, and nothing waits in a queue. Slots notice the end when they free up; a hung target
 * frees none, so a timer notices it too.
 */
export abstract class ClosedLoop {
  protected issuing = false;
  private onIssued: () => void = () => {};
  private endTimer: Timer | undefined;

  constructor(protected readonly context: ExecutorContext) {}

  start(onIssued: () => void): void {
    const { clock, durationUs } = this.context;
    this.onIssued = onIssued;
    this.issuing = true;
    this.starting();
    this.endTimer = clock.setTimer(() => this.stop(), durationUs / 1000);
    this.onSlotFree();
  }

  onSlotFree(): void {
    const { clock, startUs, durationUs } = this.context;
    if (!this.issuing) return;
    if (clock.nowUs() - startUs >= durationUs) {
      this.stop();
      return;
    }
    this.fill();
  }

  queued(): number {
    return 0;
  }

  stop(): void {
    if (!this.issuing) return;
    this.issuing = false;
    this.endTimer?.cancel();
    this.stopping();
    this.onIssued();
  }

  /** Sends while slots are free. */
  protected abstract fill(): void;
  /** Called once, as the run starts, before the first fill. */
  protected starting(): void {}
  /** Called once, as sending ends. */
  protected stopping(): void {}
}
