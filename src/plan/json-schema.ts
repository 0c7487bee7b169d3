import { z } from 'zod';
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
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: PLAN_SCHEMA_ID,
    title: 'salvo plan',
    description: 'A load test plan for `salvo run plan.yaml`: the target, how load arrives (executor), connections, timeouts and thresholds.',
    ...rest,
  };
}
