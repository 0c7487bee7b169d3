import { writeResult } from '../result/io.js';
import type { RunResult } from '../result/types.js';
import { writeSeriesCsv } from './csv.js';
import { writeHlog } from './hlog.js';
import { writeHtmlReport } from './html/index.js';

/**
 * A file made from a finished result. `salvo run` and `salvo report` both offer every writer as an
 * option (`--out FILE`, ...), so a reporter is added here once and reaches both commands.
 */
export interface ResultWriter {
  /** Commander flags, e.g. '-o, --out <file>'. */
  flags: string;
  /** The option's key once parsed, e.g. 'out'. */
  key: string;
  description: string;
  write(result: RunResult, path: string): Promise<void>;
}

export const RESULT_WRITERS: readonly ResultWriter[] = [
  { flags: '-o, --out <file>', key: 'out', description: 'write the result as JSON (salvo.result/v1)', write: (result, path) => writeResult(path, result) },
  { flags: '--html <file>', key: 'html', description: 'write a self-contained HTML report with charts (opens offline)', write: writeHtmlReport },
  { flags: '--csv <file>', key: 'csv', description: 'write the per-second series as CSV', write: writeSeriesCsv },
  { flags: '--hlog <file>', key: 'hlog', description: 'write the corrected latency of each second as an HdrHistogram interval log', write: writeHlog },
];
