import type { Recorder } from '../../src/metrics/recorder.js';
import type { Transport } from '../../src/protocols/transport.js';
import type { Clock } from '../../src/time/clock.js';

export interface SendCall {
  /** The intended time the executor passed to trySend. */
  intendedUs: number;
  /** The clock when trySend accepted it. */
  atUs: number;
}

/**
 * A transport with a fixed number of free request slots (Infinity: unlimited). It records every
 * accepted trySend with the clock time, refuses when no slot is free, and lets the test complete
 * requests (freeing their slots) before it calls the executor's onSlotFree itself.
 */
export class FakeTransport implements Transport {
  readonly sends: SendCall[] = [];
  /** trySend calls refused for want of a slot. */
  refused = 0;
  readonly maxConnectionsCalls: number[] = [];
  private readonly open: SendCall[] = [];

  constructor(
    private readonly clock: Clock,
    private free = Infinity,
    /** When given, accepted sends are recorded on it, as the real transport's listener does. */
    private readonly recorder?: Recorder,
  ) {}

  trySend(intendedUs: number): boolean {
    if (this.free <= 0) {
      this.refused++;
      return false;
    }
    this.free--;
    const call = { intendedUs, atUs: this.clock.nowUs() };
    this.sends.push(call);
    this.open.push(call);
    this.recorder?.recordSent(call.atUs, intendedUs);
    return true;
  }

  inFlight(): number {
    return this.open.length;
  }

  /** Slots free right now. */
  freeSlots(): number {
    return this.free;
  }

  /** Adds free slots without finishing anything (a new connection opened). */
  addSlots(count: number): void {
    this.free += count;
  }

  /** Finishes the `count` oldest requests in flight, freeing their slots; returns them. */
  complete(count = 1): SendCall[] {
    const done = this.open.splice(0, count);
    this.free += done.length;
    return done;
  }

  expire(): void {}

  setMaxConnections(count: number): void {
    this.maxConnectionsCalls.push(count);
  }

  close(): void {}

  /** Intended times of the accepted sends, relative to `originUs`. */
  intendedSince(originUs: number): number[] {
    return this.sends.map((send) => send.intendedUs - originUs);
  }

  /** Clock times of the accepted sends, relative to `originUs`. */
  sentSince(originUs: number): number[] {
    return this.sends.map((send) => send.atUs - originUs);
  }
}
