import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BUILTIN_PREFIX, BUILTIN_SCENARIOS, builtinOf, unknownBuiltin, type BuiltinFlag } from '../scenario/builtin/index.js';
import { CliError } from './exit-codes.js';
import { parseCount, parseWholeMs } from './units.js';

const PARSERS: Record<BuiltinFlag['kind'], ((text: string) => unknown) | undefined> = {
  count: (text) => parseCount(text),
  duration: parseWholeMs,
  text: undefined,
};

/** Each built-in scenario's flags, with the name commander stores its value under. */
const BUILTIN_FLAGS = Object.entries(BUILTIN_SCENARIOS).flatMap(([scenario, builtin]) =>
  builtin.flags.map((flag) => ({ scenario, flag, attribute: new Option(flag.flag).attributeName() })),
);

/** Adds every built-in scenario's flags to `salvo run` (--apps, --account, ... for servo-fleet). */
export function addScenarioFlags(command: Command): Command {
  for (const { scenario, flag } of BUILTIN_FLAGS) {
    const option = new Option(flag.flag, `--scenario ${scenario}: ${flag.description}`);
    const parse = PARSERS[flag.kind];
    command.addOption(parse ? option.argParser(parse) : option);
  }
  return command;
}

/** --scenario's value as a plan's `scenario`: a built-in's name becomes "builtin:<name>", a file stays a path. */
export function scenarioFromFlag(text: string): string {
  if (Object.hasOwn(BUILTIN_SCENARIOS, text)) return `${BUILTIN_PREFIX}${text}`;
  if (text.startsWith(BUILTIN_PREFIX)) {
    if (!builtinOf(text)) throw new CliError(`--scenario ${text}: ${unknownBuiltin(text.slice(BUILTIN_PREFIX.length))}`);
    return text;
  }
  if (!/\.(m?ts|m?js)$/i.test(text)) {
    throw new CliError(`--scenario ${text}: not a built-in scenario (${Object.keys(BUILTIN_SCENARIOS).join(', ')}) nor a .ts or .js scenario file`);
  }
  if (!existsSync(text)) throw new CliError(`no scenario file ${text}`);
  return text;
}

/** The built-in scenario options given as flags; each must belong to the scenario the plan runs. */
export function scenarioOptionsFromFlags(flags: object, scenario: string | undefined): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const running = scenario !== undefined && builtinOf(scenario) ? scenario.slice(BUILTIN_PREFIX.length) : undefined;
  for (const { scenario: owner, flag, attribute } of BUILTIN_FLAGS) {
    const value = (flags as Record<string, unknown>)[attribute];
    if (value === undefined) continue;
    if (owner !== running) throw new CliError(`${flag.flag.split(' ')[0]!} applies to --scenario ${owner}`);
    options[flag.option] = value;
  }
  return options;
}
