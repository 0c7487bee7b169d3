import type { BuiltinOptions } from '../../plan/builtin-scenarios.js';
import type { ScenarioDefinition } from '../api.js';

/** A flag of `salvo run` that sets one of a built-in scenario's options. */
export interface BuiltinFlag {
  /** The option it sets. */
  option: string;
  /** Commander's spelling: "--apps <n>". */
  flag: string;
  description: string;
  /** How the flag's text is read: a whole number ≥ 1, a duration (to ms) or text as given. */
  kind: 'count' | 'duration' | 'text';
}

/**
 * A scenario that ships with salvo (`scenario: builtin:<name>` in a plan, `--scenario <name>` on the
 * command line): its options are plan data, checked by its own schema, from which it makes the same
 * ScenarioDefinition a scenario file exports.
 */
export interface BuiltinScenario<Options = unknown> extends BuiltinOptions<Options> {
  description: string;
  scenario(options: Options): ScenarioDefinition;
  flags: readonly BuiltinFlag[];
  /** The target's own statistics after the run, when it keeps any; stored in the result and shown in the summary. */
  targetStatistics?(base: URL): Promise<Record<string, number> | undefined>;
}
