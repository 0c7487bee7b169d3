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

  /** A request ended after `requestUs` in flight. */
  ended(requestUs: number): void {
    this.duty.ended(this.clock.nowUs(), requestUs);
  }

  /** Starts every request allowed now, and arranges to come back when the next one will be. */
  fill(): void {
    if (!this.open) return;
    // A request is in flight from before it is written, as its latency is timed: a write can take longer
    // than a fast target's answer. The wait is judged at the instant of the last refusal: read anew, the
    // clock could pass the moment the next request comes due, and a wait of 0 arms nothing, so the
    // sender would stall until the next tick.
    let nowUs = this.clock.nowUs();
    while (this.duty.mayStart(nowUs) && this.tryStart()) {
      this.duty.started(nowUs);
      nowUs = this.clock.nowUs();
    }
    // 0 now means no connection was free: the transport's next free slot calls fill again.
    const waitUs = this.duty.waitUs(nowUs);
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
