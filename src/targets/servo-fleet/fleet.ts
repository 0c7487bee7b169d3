// State of every application in plain typed arrays indexed by app number: no per-app
// objects, nothing allocated per event. `apply` is synchronous, so one event's
// read-check-write of an app's state can never interleave with another's (see server.ts).

import { appName } from './app-name.js';
import { Command, Event, EVENT_NAMES, STATE_NAMES, State, COMMAND_NAMES, type EventCode } from './protocol.js';
import { TRANSITIONS, impliedState, lookup, slot } from './transitions.js';

/** Outcomes of `apply` below zero; zero and up mean accepted (for WHATS_NEXT: the command code). */
export const Rejection = {
  notGreeted: -1,
  notInTable: -2,
  nothingPending: -3,
  progressBackwards: -4,
} as const;
export const REJECTION_NAMES = ['not-greeted', 'not-in-table', 'nothing-pending', 'progress-backwards'] as const;

export const NO_PROGRESS = -1;

export interface AppSnapshot {
  state: string;
  pending: string | null;
  progress: number | null;
  cycles: number;
}

export class Fleet {
  readonly state: Uint8Array;
  readonly pending: Uint8Array;
  /** Last progress reported within the current command; NO_PROGRESS when none. */
  readonly progress: Int16Array;
  readonly cycles: Uint32Array;
  /** 1 once an app has had an event accepted (counts towards GET / statistics). */
  readonly seen: Uint8Array;

  constructor(
    readonly size: number,
    readonly resync = false,
    /** Called when --resync adopts a state for an app never greeted. */
    private readonly onAdopt: (app: number, event: EventCode, adopted: string) => void = () => {},
  ) {
    this.state = new Uint8Array(size);
    this.pending = new Uint8Array(size);
    this.progress = new Int16Array(size).fill(NO_PROGRESS);
    this.cycles = new Uint32Array(size);
    this.seen = new Uint8Array(size);
  }

  /**
   * Applies one event; `progress` is NO_PROGRESS for a notification without it.
   * Returns a Rejection (state untouched) or ≥ 0: Command.none, or for WHATS_NEXT the command handed out.
   */
  apply(app: number, event: EventCode, progress: number): number {
    let state = this.state[app]!;
    if (event === Event.WHATS_NEXT) {
      if (state === State.initial) {
        if (!this.resync) return Rejection.notGreeted;
        this.adopt(app, event, false);
        state = this.state[app]!;
      }
      const command = this.pending[app]!;
      if (command === Command.none) return Rejection.nothingPending;
      this.pending[app] = Command.none;
      this.progress[app] = NO_PROGRESS;
      return command;
    }
    const hasProgress = progress !== NO_PROGRESS;
    if (state === State.initial && event !== Event.HELLO) {
      if (!this.resync) return Rejection.notGreeted;
      // An event that no state accepts is rejected before adopting anything.
      if (impliedState(event, hasProgress) === null) return Rejection.notInTable;
      this.adopt(app, event, hasProgress);
      state = this.state[app]!;
    }
    const row = lookup[slot(state, event, hasProgress)]!;
    if (row < 0) return Rejection.notInTable;
    if (hasProgress && progress < this.progress[app]!) return Rejection.progressBackwards;
    const t = TRANSITIONS[row]!;
    this.state[app] = t.to;
    this.seen[app] = 1;
    this.pending[app] = t.next;
    this.progress[app] = hasProgress ? progress : NO_PROGRESS;
    if (t.cycle) this.cycles[app]!++;
    return Command.none;
  }

  private adopt(app: number, event: EventCode, hasProgress: boolean): void {
    const implied = impliedState(event, hasProgress)!;
    this.state[app] = implied.state;
    this.pending[app] = implied.pending;
    this.progress[app] = NO_PROGRESS;
    this.seen[app] = 1;
    this.onAdopt(app, event, STATE_NAMES[implied.state]);
  }

  /** The 400 detail: names the app, the event and the (unchanged) state. */
  reason(app: number, event: EventCode, progress: number, rejection: number): string {
    const name = appName(app);
    const eventName = progress === NO_PROGRESS ? EVENT_NAMES[event] : `${EVENT_NAMES[event]} (progress ${progress})`;
    const stateName = STATE_NAMES[this.state[app]!];
    switch (rejection) {
      case Rejection.notGreeted:
        return `${name}: ${eventName} in state initial: the application was never greeted with HELLO`;
      case Rejection.nothingPending:
        return `${name}: WHATS_NEXT in state ${stateName}: no command is pending`;
      case Rejection.progressBackwards:
        return `${name}: ${eventName} in state ${stateName}: progress went backwards from ${this.progress[app]}`;
      default:
        return `${name}: ${eventName} is not valid in state ${stateName}`;
    }
  }

  snapshotOf(app: number): AppSnapshot {
    const progress = this.progress[app]!;
    return {
      state: STATE_NAMES[this.state[app]!],
      pending: COMMAND_NAMES[this.pending[app]!],
      progress: progress === NO_PROGRESS ? null : progress,
      cycles: this.cycles[app]!,
    };
  }

  /** Statistics over the cycle counts of every app seen, as GET / answers them. */
  statistics(): { n: number; average?: number; min?: number; max?: number } {
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.size; i++) {
      if (this.seen[i] === 0) continue;
      const c = this.cycles[i]!;
      n++;
      sum += c;
      if (c < min) min = c;
      if (c > max) max = c;
    }
    return n === 0 ? { n } : { n, average: sum / n, min, max };
  }
}
