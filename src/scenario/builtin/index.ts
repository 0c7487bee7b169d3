import { builtinNameOf, type BuiltinName } from '../../plan/builtin-scenarios.js';
import { servoFleet } from './servo-fleet.js';
import type { BuiltinScenario } from './types.js';

export type { BuiltinFlag, BuiltinScenario } from './types.js';
export { BUILTIN_PREFIX, unknownBuiltin } from '../../plan/builtin-scenarios.js';

/** The scenario of each built-in name the plan knows (src/plan/builtin-scenarios.ts). */
export const BUILTIN_SCENARIOS: Readonly<Record<BuiltinName, BuiltinScenario>> = {
  'servo-fleet': servoFleet as BuiltinScenario,
};

/** The built-in scenario a plan's `scenario` names; undefined for a file, or for a built-in name salvo does not have. */
export function builtinOf(scenario: string): BuiltinScenario | undefined {
  const name = builtinNameOf(scenario);
  return name === undefined ? undefined : BUILTIN_SCENARIOS[name];
}
