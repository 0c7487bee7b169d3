import { randomUUID } from 'node:crypto';
import { SalvoError, type SalvoErrorOptions } from '../errors.js';

/** What a template reads when it is rendered for one request. */
export interface TemplateScope {
  /** The user's number (1-based, in spawn order) and type; absent outside virtual users. */
  user?: { id: number; type: string };
  /** Counts renders of this template: 1, 2, 3, ... */
  seq: number;
  /** Per-user variables a scenario sets (ctx.vars). */
  vars?: Record<string, unknown>;
  /** The user's row of each data set. */
  data?: Record<string, Record<string, unknown> | undefined>;
  random: () => number;
}

/** A template that cannot be compiled; the message names the placeholder. */
export class TemplateError extends SalvoError {
  override name = 'TemplateError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_TEMPLATE', message, options);
  }
}

type Part = string | ((scope: TemplateScope) => string);

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^(user|vars|data)(\.[A-Za-z_$][\w$]*)+$|^seq$/;

/** Integer helpers take integer arguments; checked once, when compiling. */
function integerArgument(text: string | undefined, placeholder: string): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value)) throw new TemplateError(`{{${placeholder}}}: expected whole numbers, got "${text ?? ''}"`);
  return value;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The helpers a placeholder may call, each checked and bound when the template is compiled. */
const HELPERS: Record<string, (args: string[], placeholder: string) => (scope: TemplateScope) => string> = {
  randomInt: (args, placeholder) => {
    if (args.length !== 2) throw new TemplateError(`{{${placeholder}}}: expected randomInt <min> <max>`);
    const [low, high] = [integerArgument(args[0], placeholder), integerArgument(args[1], placeholder)];
    if (high < low) throw new TemplateError(`{{${placeholder}}}: expected min ≤ max`);
    return (scope) => String(low + Math.floor(scope.random() * (high - low + 1)));
  },
  randomString: (args, placeholder) => {
    if (args.length !== 1) throw new TemplateError(`{{${placeholder}}}: expected randomString <length ≥ 1>`);
    const length = integerArgument(args[0], placeholder);
    if (length < 1) throw new TemplateError(`{{${placeholder}}}: expected randomString <length ≥ 1>`);
    return (scope) => {
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHANUMERIC[Math.floor(scope.random() * ALPHANUMERIC.length)];
      return text;
    };
  },
  pick: (args, placeholder) => {
    if (args.length === 0) throw new TemplateError(`{{${placeholder}}}: expected pick <choice> <choice> ...`);
    return (scope) => args[Math.floor(scope.random() * args.length)]!;
  },
  uuid: (args, placeholder) => {
    if (args.length !== 0) throw new TemplateError(`{{${placeholder}}}: uuid takes no arguments`);
    return () => randomUUID();
  },
};

function lookup(path: string[], scope: TemplateScope, placeholder: string): string {
  let value: unknown = scope;
  for (const key of path) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[key];
  if (value === undefined) throw new TemplateError(`{{${placeholder}}} has no value here`);
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function compilePlaceholder(placeholder: string): (scope: TemplateScope) => string {
  if (PATH.test(placeholder)) {
    const path = placeholder.split('.');
    return (scope) => lookup(path, scope, placeholder);
  }
  const [helper, ...args] = placeholder.split(/\s+/);
  const make = helper !== undefined ? HELPERS[helper] : undefined;
  if (!make) {
    throw new TemplateError(
      `unknown placeholder {{${placeholder}}} (use seq, user.id, user.type, vars.<name>, data.<set>.<field>, ${Object.keys(HELPERS).join(', ')})`,
    );
  }
  return make(args, placeholder);
}

/** A compiled template: renders to a string for a scope; constant when it has no placeholders. */
export interface Template {
  readonly constant: string | undefined;
  render(scope: TemplateScope): string;
}

/** Compiles `{{...}}` placeholders once, so rendering is a concatenation; throws TemplateError naming a bad placeholder. */
export function compileTemplate(text: string): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(compilePlaceholder(match[1]!));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.every((part) => typeof part === 'string')) return { constant: text, render: () => text };
  return {
    constant: undefined,
    render: (scope) => {
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : part(scope);
      return out;
    },
  };
}

/** Compiles every string inside a JSON value as a template; renders back to a JSON value of the same shape. */
export function compileJsonTemplate(value: unknown): (scope: TemplateScope) => unknown {
  if (typeof value === 'string') {
    const template = compileTemplate(value);
    return (scope) => template.render(scope);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileJsonTemplate);
    return (scope) => items.map((item) => item(scope));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compileJsonTemplate(item)] as const);
    return (scope) => Object.fromEntries(entries.map(([key, item]) => [key, item(scope)]));
  }
  return () => value;
}
