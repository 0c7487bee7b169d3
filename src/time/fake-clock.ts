import type { Clock, Timer } from './clock.js';

interface PendingTimer {
  readonly dueUs: number;
  readonly order: number;
  readonly callback: () => void;
}

/** A clock that moves only when told to, firing due timers in order at their own times; for tests. */
export class FakeClock implements Clock {
  private currentUs: number;
  private timers = new Set<PendingTimer>();
  private order = 0;

  constructor(startUs = 0, private readonly epochOriginMs = 1_700_000_000_000) {
    this.currentUs = startUs;
  }

  nowUs(): number {
    return this.currentUs;
  }

  epochMsAt(us: number): number {
    return this.epochOriginMs + us / 1000;
  }

  setTimer(callback: () => void, delayMs: number): Timer {
    return this.schedule(callback, this.currentUs + Math.max(1, delayMs) * 1000);
  }

  setImmediate(callback: () => void): Timer {
    return this.schedule(callback, this.currentUs);
  }

  /** Moves time forward by `us`, running every timer that falls due on the way. */
  advance(us: number): void {
    const endUs = this.currentUs + us;
    for (let next = this.nextTimer(); next && next.dueUs <= endUs; next = this.nextTimer()) {
      this.timers.delete(next);
      this.currentUs = Math.max(this.currentUs, next.dueUs);
      next.callback();
    }
    this.currentUs = endUs;
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  private schedule(callback: () => void, dueUs: number): Timer {
    const timer: PendingTimer = { dueUs, order: ++this.order, callback };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  private nextTimer(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (!best || timer.dueUs < best.dueUs || (timer.dueUs === best.dueUs && timer.order < best.order)) best = timer;
    }
    return best;
  }
}
