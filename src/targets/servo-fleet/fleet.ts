// State of every application in plain typed arrays indexed by app number: no per-app
// objects, nothing allocated per event. `apply` is synchronous, so one event's
// read-check-write of an app's state can never interleave with another's (see server.ts).
//
// Applications app00000..app(size-1) have fixed indexes. The original emulator also takes any
// other name on HELLO; those get the next indexes, found through a map (the arrays grow).

import { appName, parseAppName } from './app-name.js';
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

/** No progress: a report without one, or none since the last command was handed out (below every progress, so a first report is never "backwards"). */
export const NO_PROGRESS = -Infinity;

export interface AppSnapshot {
  state: string;
  pending: string | null;
  progress: number | null;
  cycles: number;
}

export interface FleetOptions {
  /** Adopt the state implied by the first event of an app never greeted, instead of rejecting it. */
  resync?: boolean;
  /**
   * As voracious.py: an app exists once it said HELLO (any name), and a report's progress is
   * remembered until the next WHATS_NEXT even across the report that completes the command.
   * Otherwise (--strict) only app00000..app(size-1) exist and a completing report clears progress.
   */
  voracious?: boolean;
}

export class Fleet {
  state: Uint8Array;
  pending: Uint8Array;
  /** Last progress reported within the current command; NO_PROGRESS when none. */
  progress: Float64Array;
  cycles: Uint32Array;
  /** 1 once an app has been registered by HELLO (voracious) or had an event accepted (strict); counts towards GET / statistics. */
  seen: Uint8Array;
  /** Applications with an index: `size` fleet names plus the other names registered. */
  count: number;
  readonly resync: boolean;
  readonly voracious: boolean;
  private readonly otherNames: string[] = [];
  private readonly otherIndexes = new Map<string, number>();

  constructor(
    readonly size: number,
    options: FleetOptions = {},
    /** Called when --resync adopts a state for an app never greeted. */
    private readonly onAdopt: (app: number, event: EventCode, adopted: string) => void = () => {},
  ) {
    this.resync = options.resync ?? false;
    this.voracious = options.voracious ?? false;
    this.count = size;
    this.state = new Uint8Array(size);
    this.pending = new Uint8Array(size);
    this.progress = new Float64Array(size).fill(NO_PROGRESS);
    this.cycles = new Uint32Array(size);
    this.seen = new Uint8Array(size);
  }

  nameOf(app: number): string {
    return app < this.size ? appName(app) : this.otherNames[app - this.size]!;
  }

  /** Index of an application by name, or -1 when it has none yet (or, strict, cannot have one). */
  indexOf(name: string): number {
    const app = parseAppName(name, 0, name.length, this.size);
    return app >= 0 ? app : (this.otherIndexes.get(name) ?? -1);
  }

  /** Index for a name, giving one to a name outside the fleet (voracious only; -1 under --strict). */
  indexFor(name: string): number {
    const app = this.indexOf(name);
    if (app >= 0 || !this.voracious) return app;
    if (this.count === this.state.length) this.grow();
    const index = this.count++;
    this.otherNames.push(name);
    this.otherIndexes.set(name, index);
    return index;
  }

  private grow(): void {
    const capacity = Math.max(16, this.state.length * 2);
    const widen = <T extends Uint8Array | Uint32Array | Float64Array>(from: T, make: (n: number) => T): T => {
      const to = make(capacity);
      to.set(from);
      return to;
    };
    this.state = widen(this.state, (n) => new Uint8Array(n));
    this.pending = widen(this.pending, (n) => new Uint8Array(n));
    this.progress = widen(this.progress, (n) => new Float64Array(n).fill(NO_PROGRESS));
    this.cycles = widen(this.cycles, (n) => new Uint32Array(n));
    this.seen = widen(this.seen, (n) => new Uint8Array(n));
  }

  /**
   * Applies one event; `progress` is NO_PROGRESS for a notification without it.
   * Returns a Rejection (state untouched) or ≥ 0: Command.none, or for WHATS_NEXT the command handed out.
   */
  apply(app: number, event: EventCode, progress: number): number {
    const hasProgress = progress !== NO_PROGRESS;
    if (this.isStranger(app, event)) {
      if (!this.resync) return Rejection.notGreeted;
      // An event that no state accepts is rejected before adopting anything.
      if (impliedState(event, hasProgress) === null) return Rejection.notInTable;
      this.adopt(app, event, hasProgress);
    } else if (this.voracious && event === Event.HELLO) {
      this.seen[app] = 1; // registered before the table is consulted, as the original does
    }
    if (event === Event.WHATS_NEXT) {
      const command = this.pending[app]!;
      if (command === Command.none) return Rejection.nothingPending;
      this.pending[app] = Command.none;
      this.progress[app] = NO_PROGRESS;
      return command;
    }
    const row = lookup[slot(this.state[app]!, event, hasProgress)]!;
    if (row < 0) return Rejection.notInTable;
    if (hasProgress && progress < this.progress[app]!) return Rejection.progressBackwards;
    const t = TRANSITIONS[row]!;
    this.state[app] = t.to;
    this.seen[app] = 1;
    this.pending[app] = t.next;
    if (hasProgress || !this.voracious) this.progress[app] = progress;
    if (t.cycle) this.cycles[app]!++;
    return Command.none;
  }

  /** An app the event may not address yet: never registered (voracious), or still in `initial` (strict). */
  isStranger(app: number, event: number): boolean {
    if (this.voracious) return this.seen[app] === 0 && event !== Event.HELLO;
    return this.state[app] === State.initial && event !== Event.HELLO;
  }

  private adopt(app: number, event: EventCode, hasProgress: boolean): void {
    const implied = impliedState(event, hasProgress)!;
    this.state[app] = implied.state;
    this.pending[app] = implied.pending;
    this.progress[app] = NO_PROGRESS;
    this.seen[app] = 1;
    this.onAdopt(app, event, STATE_NAMES[implied.state]);
  }

  /** The 400 detail under --strict: names the app, the event and the (unchanged) state. */
  reason(app: number, event: EventCode, progress: number, rejection: number): string {
    const name = this.nameOf(app);
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

  /** Statistics over the cycle counts of every app seen, as GET / answers them (null when none). */
  statistics(): { n: number; average: number | null; min: number | null; max: number | null } {
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.count; i++) {
      if (this.seen[i] === 0) continue;
      const c = this.cycles[i]!;
      n++;
      sum += c;
      if (c < min) min = c;
      if (c > max) max = c;
    }
    return n === 0 ? { n, average: null, min: null, max: null } : { n, average: sum / n, min, max };
  }
}
