export { parseThreshold, ThresholdSyntaxError, type Threshold, type Metric, type Operator, type Limit } from './parse.js';
export { judge, observeSummary, observeSecond, type Observed, type Outcome } from './evaluate.js';
export { ThresholdWatch } from './watch.js';
