// WHATS_NEXT answers, serialized once at start: the hot path writes a ready buffer.

import { Command } from './protocol.js';

/** component → setting → value, e.g. {"web": {"cpu": 1, "replicas": 3}}. */
export type AdjustSettings = Record<string, Record<string, number | string>>;

export const DEFAULT_ADJUST_SETTINGS: AdjustSettings = {
  web: { cpu: 1, replicas: 3 },
  java: { mem: 2, GCTimeRatio: 99 },
  db: { cpu: 1, commit_delay: 0 },
};

/** Checks a parsed --adjust-settings value; returns every problem found (empty when valid). */
export function adjustSettingsProblems(value: unknown): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return ['expected an object of components, e.g. {"web": {"cpu": 1}}'];
  const problems: string[] = [];
  for (const [component, settings] of Object.entries(value)) {
    if (!isObject(settings)) {
      problems.push(`${component}: expected an object of settings`);
      continue;
    }
    for (const [setting, v] of Object.entries(settings)) {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) problems.push(`${component}.${setting}: expected a number or a string`);
    }
  }
  return problems;
}

/** The ADJUST param: settings under state.application.components.<name>.settings.<setting>.value. */
export function adjustParam(settings: AdjustSettings): unknown {
  const components: Record<string, { settings: Record<string, { value: number | string }> }> = {};
  for (const [component, values] of Object.entries(settings)) {
    components[component] = { settings: Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }])) };
  }
  return { state: { application: { components } } };
}

/**
 * Response bodies indexed by command code (index 0 unused). The original hands out DESCRIBE and
 * MEASURE with an empty param; --strict gives MEASURE the metrics and control a servo reads.
 */
export function commandBodies(settings: AdjustSettings, strict: boolean): Buffer[] {
  const bodies: Buffer[] = [];
  bodies[Command.none] = Buffer.alloc(0);
  bodies[Command.DESCRIBE] = Buffer.from(JSON.stringify({ cmd: 'DESCRIBE', param: {} }));
  bodies[Command.MEASURE] = Buffer.from(JSON.stringify({ cmd: 'MEASURE', param: strict ? { metrics: [], control: {} } : {} }));
  bodies[Command.ADJUST] = Buffer.from(JSON.stringify({ cmd: 'ADJUST', param: adjustParam(settings) }));
  bodies[Command.SLEEP] = Buffer.from(JSON.stringify({ cmd: 'SLEEP', param: { duration: 5 } }));
  return bodies;
}
