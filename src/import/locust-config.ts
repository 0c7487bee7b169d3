import { parseTextFormat, type MessageSpec, type Position, type TextMessage } from './text-format.js';

/** The seed system's user type in a phase: a Locust user class with its ratio and think time. */
const USER_TYPE: MessageSpec = {
  name: 'LocustUserType',
  fields: {
    name: { type: 'string', required: true },
    ratio: { type: 'int', required: true },
    min_wait_ms: { type: 'int' },
    max_wait_ms: { type: 'int' },
  },
};

const PHASE: MessageSpec = {
  name: 'LocustPhaseConfig',
  fields: {
    user_types: { type: USER_TYPE, repeated: true },
    /** Seconds. */
    duration: { type: 'int', required: true },
    num_users: { type: 'int', required: true },
    hatch_rate_per_s: { type: 'float', required: true },
  },
};

const CONFIG_FILE: MessageSpec = { name: 'LocustConfigFile', fields: { phases: { type: PHASE, repeated: true } } };

export interface LocustUserType {
  name: string;
  ratio: number;
  /** Absent in the file means 0, as protobuf reads it. */
  minWaitMs: number;
  maxWaitMs: number;
  at: Position;
}

export interface LocustPhase {
  durationSec: number;
  users: number;
  hatchRatePerSec: number;
  userTypes: LocustUserType[];
  at: Position;
}

// The text format reader has checked each field's kind against the specs above, so these reads are safe.
const messages = (message: TextMessage, field: string): TextMessage[] => (message.fields[field] as TextMessage[] | undefined) ?? [];
const numberOf = (message: TextMessage, field: string): number => (message.fields[field] as number | undefined) ?? 0;

/** The phases of a LocustConfigFile in protobuf text format; throws TextFormatError at the mistake's line and column. */
export function parseLocustConfig(text: string): LocustPhase[] {
  return messages(parseTextFormat(text, CONFIG_FILE), 'phases').map((phase) => ({
    durationSec: numberOf(phase, 'duration'),
    users: numberOf(phase, 'num_users'),
    hatchRatePerSec: numberOf(phase, 'hatch_rate_per_s'),
    userTypes: messages(phase, 'user_types').map((type) => ({
      name: type.fields.name as string,
      ratio: numberOf(type, 'ratio'),
      minWaitMs: numberOf(type, 'min_wait_ms'),
      maxWaitMs: numberOf(type, 'max_wait_ms'),
      at: type.at,
    })),
    at: phase.at,
  }));
}
