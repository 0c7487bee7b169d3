export { RESULT_SCHEMA, type RunResult, type Summary } from './types.js';
export { summarize, type SummaryInput } from './summarize.js';
export { writeResult, readResult, assertWritable } from './io.js';
