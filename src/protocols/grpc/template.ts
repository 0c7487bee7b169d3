import { randomUUID } from 'node:crypto';
import { GrpcCallError } from './call-error.js';

/** Text with {{...}} slots filled per request; compiled once into literal parts and slot functions. */
export interface Template {
  /** No slots: the text is the same for every request, so its message can be encoded once. */
  readonly constant: boolean;
  /** The text for request number `seq` (0, 1, ...). */
  render(seq: number): string;
}

type Slot = (seq: number) => string;

/** The slots a template may hold, kept few on purpose: enough to vary a key or a size per request. */
const SLOTS: Record<string, { args: number; usage: string; make(args: number[]): Slot }> = {
  seq: { args: 0, usage: '{{seq}}', make: () => (seq) => String(seq) },
  uuid: { args: 0, usage: '{{uuid}}', make: () => () => randomUUID() },
  randInt: {
    args: 2,
    usage: '{{randInt MIN MAX}}',
    make: ([min, max]) => {
      const span = max! - min! + 1;
      return () => String(min! + Math.floor(Math.random() * span));
    },
  },
};

const SLOT = /\{\{(.*?)\}\}/g;

export function compileTemplate(text: string): Template {
  const literals: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const match of text.matchAll(SLOT)) {
    literals.push(text.slice(last, match.index));
    slots.push(compileSlot(match[1]!.trim()));
    last = match.index + match[0].length;
  }
  if (slots.length === 0) return { constant: true, render: () => text };
  literals.push(text.slice(last));
  return {
    constant: false,
    render: (seq) => {
      let out = literals[0]!;
      for (let i = 0; i < slots.length; i++) out += slots[i]!(seq) + literals[i + 1]!;
      return out;
    },
  };
}

function compileSlot(source: string): Slot {
  const [name = '', ...words] = source.split(/\s+/);
  const slot = SLOTS[name];
  const known = Object.values(SLOTS).map((entry) => entry.usage).join(', ');
  if (slot === undefined) throw new GrpcCallError(`unknown template "{{${source}}}" (known: ${known})`);
  const args = words.map(Number);
  if (args.length !== slot.args || !args.every(Number.isSafeInteger)) throw new GrpcCallError(`template "{{${source}}}" must be ${slot.usage}${slot.args > 0 ? ' with whole numbers' : ''}`);
  if (name === 'randInt' && args[0]! > args[1]!) throw new GrpcCallError(`template "{{${source}}}": MIN is above MAX`);
  return slot.make(args);
}
