export { validatePlan, planSchema, PlanError, type Plan, type PlanInput, type Executor } from './plan/index.js';
export { loadPlanFile, readPlanFile, PlanFileError, planJsonSchema } from './plan/index.js';
export { run, startRun, SetupError, type RunHandle, type RunOptions, type ExchangeObserver } from './runner/index.js';
export {
  readResult,
  writeResult,
  summarize,
  mergeResults,
  MergeError,
  RESULT_SCHEMA,
  type RunResult,
  type Summary,
  type RunSource,
  type ThresholdResult,
} from './result/index.js';
export { compareResults, parseFailCondition, gateFails, renderComparison, type MetricComparison, type Verdict, type FailCondition } from './compare/index.js';
export { parseThreshold, ThresholdSyntaxError, type Threshold } from './plan/index.js';
export { renderSummary, RESULT_WRITERS, seriesCsv, seriesHlog, renderHtmlReport, writeHtmlReport, type ResultWriter } from './report/index.js';
export {
  sweep,
  runSweep,
  resolveSweep,
  rebuildStudy,
  SweepError,
  sweepJsonSchema,
  type SweepInput,
  type SweepOptions,
  type SweepOutcome,
  type SweepProgress,
  type SweepRow,
} from './sweep/index.js';
export { ERROR_CAUSES, type ErrorCause, type SecondSample } from './metrics/index.js';
export { ConstantPacer, PoissonPacer, BucketPacer, RampingPacer, ShardedPacer, type Pacer } from './schedule/index.js';
export { runWorkers, startWorkers, workerCount, type WorkersOptions } from './workers/index.js';
export { startCoordinator, CoordinatorError, type CoordinatorOptions, type RunningCoordinator } from './cluster/index.js';
export { shardJobManifests, manifestsYaml, type ShardJobOptions } from './cluster/index.js';
export { parseShard, splitEvenly, composeShares, type Shard } from './plan/index.js';
export { systemClock, type Clock, type StartAt } from './time/index.js';
export {
  holdThroughput,
  startHoldThroughput,
  createController,
  type HoldThroughputHandle,
  type HoldThroughputOptions,
  type HoldThroughputResult,
  type ConcurrencyController,
  type ControllerKind,
  type ControlResult,
  type ControlTraceEntry,
} from './control/index.js';
export { startHttpTarget, startGrpcWorker, WORKER_PROTO, WORKER_CALL, type RunningTarget } from './targets/index.js';
export {
  defineScenario,
  type ScenarioDefinition,
  type ScenarioPlan,
  type UserTypeDefinition,
  type TaskDefinition,
  type TaskSetDefinition,
  type TaskEntry,
  type TaskFunction,
  type UserContext,
  type HttpClient,
  type RequestOptions,
  type FormValue,
  type Response,
  type RandomHelpers,
} from './scenario/api.js';
