import { planJsonSchema } from '../plan/json-schema.js';

/** Shortcuts a grid may use instead of a plan path, in the Knative framework's words. */
export const SHORTCUTS = {
  /** The executor's arrival rate, req/s. */
  rate: 'executor.ratePerSec',
  /** The arrival schedule: constant (or its other name, uniform), poisson or bucket. */
  arrival: 'executor.type',
} as const;

export type GridKeyKind = { kind: 'path'; path: string[] } | { kind: 'shortcut'; name: keyof typeof SHORTCUTS } | { kind: 'placeholder'; name: string };

type JsonSchema = Record<string, unknown>;

let planSchemaJson: JsonSchema | undefined;

/** `{{grid.spinMs}}` in any string of the plan; spaces inside the braces allowed, as in the plan's own templates. */
export const GRID_PLACEHOLDER = /\{\{\s*grid\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Every placeholder name the plan's strings use, with the path of the first string that uses it. */
export function placeholdersIn(data: unknown, path: string[] = [], found = new Map<string, string[]>()): Map<string, string[]> {
  if (typeof data === 'string') {
    for (const match of data.matchAll(GRID_PLACEHOLDER)) if (!found.has(match[1]!)) found.set(match[1]!, path);
  } else if (Array.isArray(data)) {
    data.forEach((item, index) => placeholdersIn(item, [...path, String(index)], found));
  } else if (typeof data === 'object' && data !== null) {
    for (const [key, value] of Object.entries(data)) placeholdersIn(value, [...path, key], found);
  }
  return found;
}

/**
 * What a grid key is: a shortcut, a path the plan schema has (dotted, or a top-level field such as
 * `connections`), or a free name, which is a placeholder some string of the plan must use. A key that is
 * none of these is a one-line problem naming it.
 */
export function classifyGridKey(key: string, placeholders: ReadonlySet<string>): GridKeyKind | string {
  if (key in SHORTCUTS) return { kind: 'shortcut', name: key as keyof typeof SHORTCUTS };
  const path = key.split('.');
  if (path.length === 1 && placeholders.has(key)) return { kind: 'placeholder', name: key };
  if (schemaHasPath((planSchemaJson ??= planJsonSchema()), path)) return { kind: 'path', path };
  if (path.length > 1) return `the plan has no field ${key}`;
  return `not a plan field, a shortcut (${Object.keys(SHORTCUTS).join(', ')}) or a placeholder: no string of the plan uses {{grid.${key}}}`;
}

/** Whether some document valid under `schema` can hold a value at `path` (any branch of a union will do). */
function schemaHasPath(root: JsonSchema, path: readonly string[]): boolean {
  const resolve = (node: JsonSchema): JsonSchema => {
    const ref = node.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return node;
    return ((root.$defs as Record<string, JsonSchema>)[ref.slice('#/$defs/'.length)] ?? {}) as JsonSchema;
  };
  const holds = (node: JsonSchema, rest: readonly string[]): boolean => {
    node = resolve(node);
    if (rest.length === 0) return true;
    for (const union of ['oneOf', 'anyOf', 'allOf']) {
      const branches = node[union];
      if (Array.isArray(branches) && branches.some((branch: JsonSchema) => holds(branch, rest))) return true;
    }
    const [head, ...tail] = rest as [string, ...string[]];
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    if (properties && head in properties) return holds(properties[head]!, tail);
    const additional = node.additionalProperties;
    if (typeof additional === 'object' && additional !== null) return holds(additional as JsonSchema, tail);
    if (/^\d+$/.test(head)) {
      const items = node.prefixItems as JsonSchema[] | undefined;
      if (items?.[Number(head)]) return holds(items[Number(head)]!, tail);
      if (typeof node.items === 'object' && node.items !== null) return holds(node.items as JsonSchema, tail);
    }
    return false;
  };
  return holds(root, path);
}
