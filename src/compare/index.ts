export { compareResults, DEFAULT_COMPARE_OPTIONS, SIGNIFICANCE_LEVEL, type CompareOptions, type MetricComparison, type Verdict } from './compare-results.js';
export { parseFailCondition, conditionHolds, gateFails, type FailCondition } from './fail-if.js';
export { renderComparison, renderGates, describeChange, type ComparedRun } from './render-comparison.js';
export { METRICS, METRIC_NAMES, type MetricName } from './metrics.js';
export { mannWhitneyU, MANN_WHITNEY_MIN_SAMPLES, type MannWhitneyResult } from './mann-whitney.js';
export { bootstrapPercentileDifference, type DifferenceTest, type BootstrapOptions } from './bootstrap.js';
export { meanDifferenceTest, type SampleMoments } from './mean-difference.js';
export { HistogramSampler } from './histogram-sampler.js';
