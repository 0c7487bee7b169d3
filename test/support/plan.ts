import assert from 'node:assert/strict';
import { PlanError, validatePlan } from '../../src/plan/index.js';

/** The problems validatePlan reports for `input`; fails the test when the plan is accepted. */
export function problemsOf(input: unknown): string[] {
  try {
    validatePlan(input);
  } catch (error) {
    assert.ok(error instanceof PlanError);
    return error.problems;
  }
  assert.fail('the plan was accepted');
}
