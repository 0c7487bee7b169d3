import type { Clock, Timer } from '../time/clock.js';
import { DutyCycle } from './duty-cycle.js';

/** Below this wait the slots poll the event loop instead of arming a timer, whose grain is 1 ms. */
const POLL_BELOW_US = 1500;

/**
 * The sending side of a held throughput, shared by the executor and `holdThroughput`: starts
 * requests (through `tryStart`) while the duty cycle allows, and when only time can allow the next
 * one (a fraction of a request in flight), wakes itself up for it.
 */
export class PacedSlots {
  private readonly duty: DutyCycle;
  private wake: Timer | undefined;
  private open = true;

  constructor(
    private readonly clock: Clock,
    concurrency: number,
    /** Starts one request; false when it could not (no free connection). */
    private readonly tryStart: () => boolean,
  ) {
    this.duty = new DutyCycle(concurrency, clock.nowUs());
  }

  setConcurrency(concurrency: number): void {
    this.duty.setConcurrency(concurrency, this.clock.nowUs());
    this.fill();
  }

  /** A request ended. */
  ended(): void {
    this.duty.ended(this.clock.nowUs());
  }

  /** Starts every request allowed now, and arranges to come back when the next one will be. */
  fill(): void {
    if (!this.open) return;
    while (this.duty.mayStart(this.clock.nowUs()) && this.tryStart()) this.duty.started(this.clock.nowUs());
    const waitUs = this.duty.waitUs(this.clock.nowUs());
    if (this.wake || waitUs === 0 || waitUs === Infinity) return;
    const onWake = (): void => {
      this.wake = undefined;
      this.fill();
    };
    this.wake = waitUs < POLL_BELOW_US ? this.clock.setImmediate(onWake) : this.clock.setTimer(onWake, Math.floor((waitUs - 1000) / 1000));
  }

  close(): void {
    this.open = false;
    this.wake?.cancel();
    this.wake = undefined;
  }
}
