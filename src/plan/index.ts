export { planSchema, isArrivalExecutor, describeTarget, type Plan, type PlanInput, type Executor, type ArrivalExecutor, type Target } from './schema.js';
export { validatePlan, PlanError, formatIssues } from './validate.js';
