export { renderSummary, describeExecutor } from './terminal-summary.js';
export { formatMs, formatRate, formatCount, table } from './format.js';
