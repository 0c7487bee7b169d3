export { judge, observeSummary, observeSecond, type Observed, type Outcome } from './evaluate.js';
export { ThresholdWatch } from './watch.js';
