/**
 * The arrival schedules of `--arrival` and of an executor's `arrival` shorthand, by the executor type
 * each stands for. `uniform` is the Knative load-testing framework's name for evenly spaced arrivals,
 * accepted so its studies read the same here; a result records the executor type, never the alias.
 */
export const ARRIVAL_EXECUTOR_TYPES = {
  constant: 'constant-arrival-rate',
  uniform: 'constant-arrival-rate',
  poisson: 'poisson-arrival-rate',
  bucket: 'bucket-rate',
} as const;

export type ArrivalName = keyof typeof ARRIVAL_EXECUTOR_TYPES;
export const ARRIVAL_NAMES = Object.keys(ARRIVAL_EXECUTOR_TYPES) as ArrivalName[];

export function isArrivalName(name: unknown): name is ArrivalName {
  return typeof name === 'string' && Object.hasOwn(ARRIVAL_EXECUTOR_TYPES, name);
}

/** The name a schedule is recorded under: an alias becomes the name it stands for ("uniform" → "constant"). */
export function canonicalArrival(name: ArrivalName): Exclude<ArrivalName, 'uniform'> {
  return name === 'uniform' ? 'constant' : name;
}
