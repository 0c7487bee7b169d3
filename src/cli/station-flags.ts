import { InvalidArgumentError, type Command } from 'commander';
import type { ServiceStationOptions, ServiceTimeChange } from '../targets/service-station.js';
import { CliError } from './exit-codes.js';
import { parseCount, parseDuration } from './units.js';

export interface StationFlags {
  slots?: number;
  serviceTime?: number;
  serviceDist?: 'fixed' | 'exp';
  then?: ServiceTimeChange[];
}

/** `serve http`'s flags for a target of known capacity: N slots of a service time, which may change at given times. */
export function addStationFlags(command: Command): Command {
  return command
    .option(
      '--service-time <duration>',
      'serve every request through a FIFO station: each holds a slot this long (10ms); capacity = slots / service time',
      parseDuration,
    )
    .option('--slots <n>', 'requests served at once by the station; the rest wait in arrival order (default 1)', (text) => parseCount(text, 1))
    .option('--service-dist <dist>', 'fixed: every request takes the service time; exp: exponential with that mean (default fixed)', parseDistribution)
    .option('--then <time@at>', 'change the service time at a time after start, "30ms@10s" (repeatable, in order)', collectChange, [] as ServiceTimeChange[]);
}

/** The station the flags describe, or undefined when none was asked for; a station flag without --service-time is a mistake. */
export function stationOf(flags: StationFlags): ServiceStationOptions | undefined {
  if (flags.serviceTime === undefined) {
    const stray =
      flags.slots !== undefined ? '--slots' : flags.serviceDist !== undefined ? '--service-dist' : (flags.then?.length ?? 0) > 0 ? '--then' : undefined;
    if (stray) throw new CliError(`${stray} needs --service-time (the station's service time)`);
    return undefined;
  }
  const changes = flags.then ?? [];
  changes.forEach((change, index) => {
    if (index > 0 && change.atMs <= changes[index - 1]!.atMs)
      throw new CliError(`--then ${change.serviceTimeMs}ms@${change.atMs}ms: changes must be given in order of time`);
  });
  return { slots: flags.slots ?? 1, serviceTimeMs: flags.serviceTime, distribution: flags.serviceDist ?? 'fixed', changes };
}

function parseDistribution(text: string): 'fixed' | 'exp' {
  if (text !== 'fixed' && text !== 'exp') throw new InvalidArgumentError(`"${text}" is not a distribution (fixed or exp)`);
  return text;
}

function collectChange(text: string, previous: ServiceTimeChange[]): ServiceTimeChange[] {
  const at = text.indexOf('@');
  if (at <= 0) throw new InvalidArgumentError(`"${text}" is not a change (expected <service time>@<time after start>, as 30ms@10s)`);
  return [...previous, { serviceTimeMs: parseDuration(text.slice(0, at)), atMs: parseDuration(text.slice(at + 1)) }];
}
