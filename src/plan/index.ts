export { planSchema, isArrivalExecutor, describeTarget, type Plan, type PlanInput, type Executor, type ArrivalExecutor, type RampingExecutor, type Target } from './schema.js';
export { validatePlan, PlanError, formatIssues } from './validate.js';
export { isPlanFile, isScenarioFile, readPlanFile, loadPlanFile, validatePlanFile, PlanFileError } from './load.js';
export { planJsonSchema, PLAN_SCHEMA_ID } from './json-schema.js';
