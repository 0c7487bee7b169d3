// Names and numeric codes of the servo protocol. The hot path works on the small
// integers; the names exist for responses, logs, snapshots and metrics.

export const State = {
  initial: 0,
  helloReceived: 1,
  startMeasure: 2,
  inMeasure: 3,
  startAdjust: 4,
  inAdjust: 5,
  terminated: 6,
} as const;
export type StateCode = (typeof State)[keyof typeof State];
export const STATE_NAMES = ['initial', 'hello-received', 'start-measure', 'in-measure', 'start-adjust', 'in-adjust', 'terminated'] as const;

export const Event = { HELLO: 0, WHATS_NEXT: 1, DESCRIPTION: 2, MEASUREMENT: 3, ADJUSTMENT: 4, GOODBYE: 5 } as const;
export type EventCode = (typeof Event)[keyof typeof Event];
export const EVENT_NAMES = ['HELLO', 'WHATS_NEXT', 'DESCRIPTION', 'MEASUREMENT', 'ADJUSTMENT', 'GOODBYE'] as const;

/** 0 means "no command pending". SLEEP exists in the protocol; this emulator never issues it. */
export const Command = { none: 0, DESCRIBE: 1, MEASURE: 2, ADJUST: 3, SLEEP: 4 } as const;
export type CommandCode = (typeof Command)[keyof typeof Command];
export const COMMAND_NAMES = [null, 'DESCRIBE', 'MEASURE', 'ADJUST', 'SLEEP'] as const;

/** Event name → code without allocating; -1 when not an event of the protocol. */
export function eventCode(name: string): number {
  switch (name) {
    case 'HELLO':
      return Event.HELLO;
    case 'WHATS_NEXT':
      return Event.WHATS_NEXT;
    case 'DESCRIPTION':
      return Event.DESCRIPTION;
    case 'MEASUREMENT':
      return Event.MEASUREMENT;
    case 'ADJUSTMENT':
      return Event.ADJUSTMENT;
    case 'GOODBYE':
      return Event.GOODBYE;
    default:
      return -1;
  }
}

export function stateCode(name: string): number {
  return (STATE_NAMES as readonly string[]).indexOf(name);
}

export function commandCode(name: string | null): number {
  return name === null ? Command.none : (COMMAND_NAMES as readonly (string | null)[]).indexOf(name);
}
