export { ERROR_CAUSES, causeOfSocketError, causeOfStatus, type ErrorCause } from './causes.js';
export { createHistogram, recordUs, encodeHistogram, decodeHistogram, percentilesMs, type PercentilesMs } from './histogram.js';
export { Recorder, type SecondSample, type RecorderTotals, type DropReason } from './recorder.js';
export { GeneratorMonitor, type GeneratorHealth } from './generator-monitor.js';
