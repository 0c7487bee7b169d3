import { seededRandom } from '../schedule/random.js';
import type { Clock } from '../time/clock.js';

/** A change of service time at a given time after the station opened. */
export interface ServiceTimeChange {
  atMs: number;
  serviceTimeMs: number;
}

export interface ServiceStationOptions {
  /** Requests served at once; the rest wait in arrival order. */
  slots: number;
  /** Fixed service time, or the mean of an exponential one. */
  serviceTimeMs: number;
  distribution: 'fixed' | 'exp';
  /** Later service times, in order of `atMs`. */
  changes?: readonly ServiceTimeChange[];
  /** Seed of the exponential draws; the same seed, the same service times. */
  seed?: number;
}

/**
 * A FIFO station of N parallel slots with a known service time, so its capacity is a known truth
 * (slots / service time): a request takes the slot that frees first and keeps it for its service
 * time. Slots keep their own timeline, independent of when timers happen to fire, so a late timer
 * delays an answer but never lowers the capacity.
 */
export class ServiceStation {
  private readonly freeAtUs: Float64Array;
  private readonly openedUs: number;
  private readonly random: () => number;

  constructor(
    private readonly options: ServiceStationOptions,
    private readonly clock: Clock,
  ) {
    this.openedUs = clock.nowUs();
    this.freeAtUs = new Float64Array(options.slots).fill(this.openedUs);
    this.random = seededRandom(options.seed ?? 1);
  }

  /** The capacity at `atMs` after opening, req/s: what the station can complete at most. */
  capacityPerSec(atMs: number): number {
    return (this.options.slots * 1000) / this.serviceTimeAt(atMs);
  }

  /** Queues a request; `serve` runs when its service ends. Returns a cancel for a request whose client left (its slot stays taken, as a server's would). */
  admit(serve: () => void): () => void {
    const nowUs = this.clock.nowUs();
    let slot = 0;
    for (let index = 1; index < this.freeAtUs.length; index++) if (this.freeAtUs[index]! < this.freeAtUs[slot]!) slot = index;
    const startUs = Math.max(nowUs, this.freeAtUs[slot]!);
    const doneUs = startUs + this.drawMs((startUs - this.openedUs) / 1000) * 1000;
    this.freeAtUs[slot] = doneUs;
    let cancelled = false;
    const fire = (): void => {
      if (cancelled) return;
      // Timers may fire a little early against the clock: wait out the rest.
      const remainingUs = doneUs - this.clock.nowUs();
      if (remainingUs > 0) this.clock.setTimer(fire, Math.ceil(remainingUs / 1000));
      else serve();
    };
    this.clock.setTimer(fire, Math.ceil((doneUs - nowUs) / 1000));
    return () => {
      cancelled = true;
    };
  }

  private serviceTimeAt(atMs: number): number {
    let serviceTimeMs = this.options.serviceTimeMs;
    for (const change of this.options.changes ?? []) if (atMs >= change.atMs) serviceTimeMs = change.serviceTimeMs;
    return serviceTimeMs;
  }

  private drawMs(atMs: number): number {
    const meanMs = this.serviceTimeAt(atMs);
    return this.options.distribution === 'fixed' ? meanMs : -meanMs * Math.log(1 - this.random());
  }
}
