import { servoFleet } from './servo-fleet.js';
import type { BuiltinScenario } from './types.js';

export type { BuiltinFlag, BuiltinScenario } from './types.js';

/** A plan's `scenario` names a built-in one with this prefix ("builtin:servo-fleet"); anything else is a file. */
export const BUILTIN_PREFIX = 'builtin:';

export const BUILTIN_SCENARIOS: Readonly<Record<string, BuiltinScenario>> = {
  'servo-fleet': servoFleet as BuiltinScenario,
};

/** The built-in scenario a plan's `scenario` names; undefined for a file, or for a built-in name salvo does not have. */
export function builtinOf(scenario: string): BuiltinScenario | undefined {
  if (!scenario.startsWith(BUILTIN_PREFIX)) return undefined;
  const name = scenario.slice(BUILTIN_PREFIX.length);
  return Object.hasOwn(BUILTIN_SCENARIOS, name) ? BUILTIN_SCENARIOS[name] : undefined;
}

/** The problem with a `builtin:` name salvo does not have. */
export function unknownBuiltin(name: string): string {
  return `no built-in scenario "${name}" (built-in: ${Object.keys(BUILTIN_SCENARIOS).join(', ')})`;
}
