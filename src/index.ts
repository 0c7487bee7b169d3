export { validatePlan, planSchema, PlanError, type Plan, type PlanInput, type Executor } from './plan/index.js';
export { run, startRun, SetupError, type RunHandle, type RunOptions } from './runner/index.js';
export { readResult, writeResult, summarize, RESULT_SCHEMA, type RunResult, type Summary } from './result/index.js';
export { renderSummary } from './report/index.js';
export { ERROR_CAUSES, type ErrorCause, type SecondSample } from './metrics/index.js';
export { ConstantPacer, PoissonPacer, BucketPacer, type Pacer } from './schedule/index.js';
export { systemClock, type Clock } from './time/index.js';
export { startHttpTarget, type RunningTarget } from './targets/index.js';
