import type { z } from 'zod';
import { SalvoError } from '../errors.js';
import { planSchema, type Plan } from './schema.js';

/** A plan that failed validation; `problems` holds every problem, each as "path: message". */
export class PlanError extends SalvoError {
  override name = 'PlanError';
  constructor(readonly problems: string[]) {
    super('ERR_PLAN_INVALID', problems.join('; '));
  }

  override describe(): string {
    return `invalid plan: ${this.message}`;
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    // Each unknown key gets its own path, so a typo in a plan file points at itself.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
    // A bad name in a map (scenarios, data sets): say what is wrong with the name, not just that it is.
    if (issue.code === 'invalid_key') return issue.issues.map((inner) => `${formatPath(issue.path)}: ${inner.message}`);
    const path = formatPath(issue.path);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}

/** Validates plain data as a plan, filling defaults; throws PlanError listing every problem. */
export function validatePlan(input: unknown): Plan {
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) throw new PlanError(formatIssues(parsed.error.issues));
  return parsed.data;
}
