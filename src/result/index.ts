export { RESULT_SCHEMA, type RunResult, type Summary, type RunSource, type ThresholdResult } from './types.js';
export { summarize, type SummaryInput } from './summarize.js';
export { resultFromRecorder, type RecordedRun } from './from-recorder.js';
export { mergeResults, MergeError } from './merge.js';
export { writeResult, readResult, assertWritable } from './io.js';
