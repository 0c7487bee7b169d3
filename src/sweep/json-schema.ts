import { z } from 'zod';
import { planJsonSchema } from '../plan/json-schema.js';
import { sweepSchema } from './definition.js';

export const SWEEP_SCHEMA_ID = 'https://salvo.dev/schemas/salvo.sweep.v1.json';

type JsonSchema = Record<string, unknown>;

/** A copy with no `required` lists: the base plan may leave out what the grid or the sweep fills in (a rate, a duration). */
function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'required')
      .map(([key, value]) => [key, withoutRequired(value)]),
  );
}

/**
 * The published JSON Schema of sweep files, made from the zod schema that validates them; an inline
 * base plan is checked against the plan schema (without its required fields). Checks that need the plan
 * (grid keys, placeholders, each cell's plan) are only in salvo's own validation.
 */
export function sweepJsonSchema(): JsonSchema {
  const { $schema, ...generated } = z.toJSONSchema(sweepSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _schema, $id: _id, title: _title, description: _description, $defs: planDefs, ...plan } = planJsonSchema();
  const properties = generated.properties as Record<string, JsonSchema>;
  return {
    $schema,
    $id: SWEEP_SCHEMA_ID,
    title: 'salvo sweep',
    description: 'A study for `salvo sweep sweep.yaml`: a base plan, a grid of values to run it with, repeats, and per-cell duration and warm-up.',
    ...generated,
    properties: {
      ...properties,
      plan: { anyOf: [{ type: 'string', minLength: 1, description: 'a plan file, relative to the sweep file' }, { $ref: '#/$defs/plan' }] },
    },
    $defs: { ...(withoutRequired(planDefs ?? {}) as JsonSchema), plan: withoutRequired(plan) },
  };
}
