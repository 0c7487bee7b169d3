import { z } from 'zod';
import { ARRIVAL_EXECUTOR_TYPES, ARRIVAL_NAMES } from './arrival.js';
import { planSchema } from './schema.js';

export const PLAN_SCHEMA_ID = 'https://salvo.dev/schemas/salvo.plan.v1.json';

/**
 * The published JSON Schema (draft 2020-12) of a plan file, made from the zod schema that validates
 * plans, so the two cannot disagree. The input side: fields with defaults are optional, and *Ms fields
 * take a number of ms or a duration string. Checks that span fields (a tcp:// target needs a
 * payload, ...) are only in salvo's own validation.
 */
export function planJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = withArrivalShorthand(generated) as Record<string, unknown>;
  return {
    $schema,
    $id: PLAN_SCHEMA_ID,
    title: 'salvo plan',
    description: 'A load test plan for `salvo run plan.yaml`: the target, how load arrives (executor), connections, timeouts and thresholds.',
    ...rest,
  };
}

type Json = Record<string, unknown>;

/**
 * Beside each arrival executor, its shorthand: the same fields with `arrival` (constant, uniform, ...)
 * in place of `type`. The zod schema turns one into the other before checking, which a generated
 * schema cannot show, so it is added here to every list of executors.
 */
function withArrivalShorthand(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withArrivalShorthand);
  if (typeof node !== 'object' || node === null) return node;
  const copy: Json = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withArrivalShorthand(value)]));
  const variants = copy.oneOf;
  if (Array.isArray(variants) && variants.some((variant) => typeOf(variant) === ARRIVAL_EXECUTOR_TYPES.constant)) {
    copy.oneOf = [...variants, ...variants.flatMap(shorthandOf)];
  }
  return copy;
}

const typeOf = (variant: Json): unknown => ((variant.properties as Json | undefined)?.type as Json | undefined)?.const;

function shorthandOf(variant: Json): Json[] {
  const names = ARRIVAL_NAMES.filter((name) => ARRIVAL_EXECUTOR_TYPES[name] === typeOf(variant));
  if (names.length === 0) return [];
  const { type: _type, ...fields } = variant.properties as Json;
  return [
    {
      ...variant,
      properties: { arrival: { type: 'string', enum: names }, ...fields },
      required: (variant.required as string[]).map((field) => (field === 'type' ? 'arrival' : field)),
    },
  ];
}
