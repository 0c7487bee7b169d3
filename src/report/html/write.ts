import { writeFile } from 'node:fs/promises';
import type { RunResult } from '../../result/types.js';
import { renderHtmlReport } from './page.js';
import { loadChartLibrary } from './vendor.js';

export async function writeHtmlReport(result: RunResult, path: string): Promise<void> {
  await writeFile(path, renderHtmlReport(result, await loadChartLibrary()));
}
