import type { z } from 'zod';
import { planSchema, type Plan } from './schema.js';

/** A plan that failed validation; `problems` holds every problem, each as "path: message". */
export class PlanError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PlanError';
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/** Validates plain data as a plan, filling defaults; throws PlanError listing every problem. */
export function validatePlan(input: unknown): Plan {
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) throw new PlanError(formatIssues(parsed.error.issues));
  return parsed.data;
}
