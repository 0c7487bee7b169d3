export { sweep, runSweep, type SweepOptions, type SweepOutcome, type SweepProgress } from './run-sweep.js';
export { resolveSweep, SweepError, type ResolvedSweep, type PlannedRun } from './resolve.js';
export { sweepSchema, type SweepInput, type SweepDefinition, type GridValue } from './definition.js';
export { measureCell, rowsCsv, MEASURE_COLUMNS, type SweepRow, type CellMeasures } from './aggregate.js';
export { rebuildStudy, writeStudyOutputs } from './outputs.js';
export { studyCharts, renderSvg, type StudyChart } from './charts.js';
export { sweepJsonSchema, SWEEP_SCHEMA_ID } from './json-schema.js';
