export { planSchema, describeTarget, type Plan, type PlanInput, type Target } from './schema.js';
export {
  EXECUTOR_KINDS,
  kindOf,
  isVuExecutor,
  targetRatePerSec,
  type Executor,
  type ExecutorKind,
  type VuExecutor,
  type RampingExecutor,
} from './executors/index.js';
export { validatePlan, PlanError, formatIssues } from './validate.js';
export { isPlanFile, isScenarioFile, readPlanFile, loadPlanFile, validatePlanFile, PlanFileError } from './load.js';
export { planJsonSchema, PLAN_SCHEMA_ID } from './json-schema.js';
export { parseShard, shardLabel, splitEvenly, composeShares, connectionsOf, targetRateOf, ShardSyntaxError, type Shard } from './shard.js';
export { parseThreshold, ThresholdSyntaxError, type Threshold, type Metric, type Operator, type Limit } from './threshold.js';
export { decodeEscapes, EscapeError } from './escapes.js';
