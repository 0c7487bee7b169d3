export { ERROR_CAUSES, causeOfGrpcStatus, causeOfSocketError, causeOfStatus, type ErrorCause, type GrpcCause } from './causes.js';
export { createHistogram, recordUs, encodeHistogram, decodeHistogram, percentilesMs, type PercentilesMs } from './histogram.js';
export { Recorder, type SecondSample, type RecorderTotals, type DropReason } from './recorder.js';
export { GeneratorMonitor, type GeneratorHealth } from './generator-monitor.js';
