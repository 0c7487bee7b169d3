import type { z } from 'zod';
import { servoFleetOptions } from './servo-fleet-options.js';

/** A plan's `scenario` names a built-in one with this prefix ("builtin:servo-fleet"); anything else is a file. */
export const BUILTIN_PREFIX = 'builtin:';

/**
 * What a plan says to a built-in scenario: its options, checked by its own schema, and how many users
 * those options are made for (the user count when none is given, and the most it runs at once). The
 * scenario itself is src/scenario/builtin/.
 */
export interface BuiltinOptions<Options = unknown> {
  /** Checks the plan's scenarioOptions and fills their defaults. */
  options: z.ZodType<Options, unknown>;
  users(options: Options): number;
}

/** Every built-in scenario by name. */
export const BUILTIN_OPTIONS = {
  'servo-fleet': servoFleetOptions,
} as const;

export type BuiltinName = keyof typeof BUILTIN_OPTIONS;

/** The name of the built-in scenario a plan's `scenario` names; undefined for a file, or for a built-in name salvo does not have. */
export function builtinNameOf(scenario: string): BuiltinName | undefined {
  if (!scenario.startsWith(BUILTIN_PREFIX)) return undefined;
  const name = scenario.slice(BUILTIN_PREFIX.length);
  return Object.hasOwn(BUILTIN_OPTIONS, name) ? (name as BuiltinName) : undefined;
}

/** The options of the built-in scenario a plan's `scenario` names, as builtinNameOf finds it. */
export function builtinOptionsOf(scenario: string): BuiltinOptions | undefined {
  const name = builtinNameOf(scenario);
  return name === undefined ? undefined : (BUILTIN_OPTIONS[name] as BuiltinOptions);
}

/** The problem with a `builtin:` name salvo does not have. */
export function unknownBuiltin(name: string): string {
  return `no built-in scenario "${name}" (built-in: ${Object.keys(BUILTIN_OPTIONS).join(', ')})`;
}
