// The strict per-application state machine of issue 7, as data. Each row is one line of
// the table; `lookup` turns it into a dense array indexed by
// (state, event, has-progress) so a transition costs one array read.

import { Command, Event, State, type CommandCode, type EventCode, type StateCode } from './protocol.js';

export interface Transition {
  from: StateCode;
  event: EventCode;
  progress: boolean;
  to: StateCode;
  /** Command made pending for WHATS_NEXT; Command.none for "–". */
  next: CommandCode;
  cycle: boolean;
}

const GOODBYE_FROM: StateCode[] = [State.helloReceived, State.startMeasure, State.inMeasure, State.startAdjust, State.inAdjust];

export const TRANSITIONS: readonly Transition[] = [
  { from: State.initial, event: Event.HELLO, progress: false, to: State.helloReceived, next: Command.DESCRIBE, cycle: false },
  { from: State.helloReceived, event: Event.DESCRIPTION, progress: false, to: State.startMeasure, next: Command.MEASURE, cycle: false },
  { from: State.startMeasure, event: Event.MEASUREMENT, progress: true, to: State.inMeasure, next: Command.none, cycle: false },
  { from: State.inMeasure, event: Event.MEASUREMENT, progress: true, to: State.inMeasure, next: Command.none, cycle: false },
  { from: State.inMeasure, event: Event.MEASUREMENT, progress: false, to: State.startAdjust, next: Command.ADJUST, cycle: true },
  { from: State.startAdjust, event: Event.ADJUSTMENT, progress: true, to: State.inAdjust, next: Command.none, cycle: false },
  { from: State.inAdjust, event: Event.ADJUSTMENT, progress: true, to: State.inAdjust, next: Command.none, cycle: false },
  { from: State.inAdjust, event: Event.ADJUSTMENT, progress: false, to: State.startMeasure, next: Command.MEASURE, cycle: false },
  ...GOODBYE_FROM.map((from) => ({ from, event: Event.GOODBYE, progress: false, to: State.terminated, next: Command.none, cycle: false })),
  { from: State.terminated, event: Event.HELLO, progress: false, to: State.helloReceived, next: Command.DESCRIBE, cycle: false },
];

const EVENTS = 6;

export function slot(state: number, event: number, hasProgress: boolean): number {
  return (state * EVENTS + event) * 2 + (hasProgress ? 1 : 0);
}

/** slot → index into TRANSITIONS, or -1 when the table has no such line. */
export const lookup: Int8Array = (() => {
  const table = new Int8Array(7 * EVENTS * 2).fill(-1);
  TRANSITIONS.forEach((t, i) => {
    table[slot(t.from, t.event, t.progress)] = i;
  });
  return table;
})();

/**
 * Under --resync, the state an application never greeted is assumed to have been in
 * before the event it sent: the one state from which the table accepts that event.
 * WHATS_NEXT implies nothing about the cycle, so the servo is restarted at DESCRIBE.
 */
export function impliedState(event: EventCode, hasProgress: boolean): { state: StateCode; pending: CommandCode } | null {
  switch (event) {
    case Event.WHATS_NEXT:
      return { state: State.helloReceived, pending: Command.DESCRIBE };
    case Event.DESCRIPTION:
      return hasProgress ? null : { state: State.helloReceived, pending: Command.none };
    case Event.MEASUREMENT:
      return { state: hasProgress ? State.startMeasure : State.inMeasure, pending: Command.none };
    case Event.ADJUSTMENT:
      return { state: hasProgress ? State.startAdjust : State.inAdjust, pending: Command.none };
    case Event.GOODBYE:
      return hasProgress ? null : { state: State.helloReceived, pending: Command.none };
    default:
      return null;
  }
}
