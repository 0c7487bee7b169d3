import type { Clock, Timer } from './clock.js';

interface PendingTimer {
  readonly dueUs: number;
  readonly order: number;
  readonly callback: () => void;
  /** An immediate made during an advance waits for the next one, as a real one waits for the next loop turn. */
  readonly notBeforeAdvance: number;
}

/** A clock that moves only when told to, firing due timers in order at their own times; for tests. */
export class FakeClock implements Clock {
  private currentUs: number;
  private timers = new Set<PendingTimer>();
  private order = 0;
  private advances = 0;
  private advancing = false;

  constructor(
    startUs = 0,
    private readonly epochOriginMs = 1_700_000_000_000,
  ) {
    this.currentUs = startUs;
  }

  nowUs(): number {
    return this.currentUs;
  }

  epochMsAt(us: number): number {
    return this.epochOriginMs + us / 1000;
  }

  setTimer(callback: () => void, delayMs: number): Timer {
    return this.schedule(callback, this.currentUs + Math.max(1, delayMs) * 1000, 0);
  }

  setImmediate(callback: () => void): Timer {
    return this.schedule(callback, this.currentUs, this.advancing ? this.advances + 1 : 0);
  }

  /** Moves time forward by `us`, running every timer that falls due on the way. */
  advance(us: number): void {
    const endUs = this.currentUs + us;
    this.advances++;
    this.advancing = true;
    try {
      for (let next = this.nextTimer(); next && next.dueUs <= endUs; next = this.nextTimer()) {
        this.timers.delete(next);
        this.currentUs = Math.max(this.currentUs, next.dueUs);
        next.callback();
      }
    } finally {
      this.advancing = false;
    }
    this.currentUs = endUs;
  }

  /** Advances to `untilUs` (absolute) in steps of `stepUs`, then once more by 0 to run a last poll. */
  runUntil(untilUs: number, stepUs: number): void {
    while (this.currentUs < untilUs) this.advance(Math.min(stepUs, untilUs - this.currentUs));
    this.advance(0);
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  private schedule(callback: () => void, dueUs: number, notBeforeAdvance: number): Timer {
    const timer: PendingTimer = { dueUs, order: ++this.order, callback, notBeforeAdvance };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  private nextTimer(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (timer.notBeforeAdvance > this.advances) continue;
      if (!best || timer.dueUs < best.dueUs || (timer.dueUs === best.dueUs && timer.order < best.order)) best = timer;
    }
    return best;
  }
}
