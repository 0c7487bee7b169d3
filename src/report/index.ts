export { renderSummary, describeExecutor } from './terminal-summary.js';
export { RESULT_WRITERS, type ResultWriter } from './writers.js';
export { seriesCsv, writeSeriesCsv } from './csv.js';
export { seriesHlog, writeHlog } from './hlog.js';
export { NdjsonExchangeLog } from './ndjson.js';
export { renderHtmlReport, writeHtmlReport } from './html/index.js';
