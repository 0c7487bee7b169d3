import { writeFile } from 'node:fs/promises';
import { decodeFromCompressedBase64, HistogramLogWriter, type JsHistogram } from 'hdr-histogram-js';
import type { SecondSample } from '../metrics/recorder.js';
import type { RunResult } from '../result/types.js';

/**
 * Values stay in µs, as recorded, so every interval holds the result's own counts unchanged.
 * Interval_Max is divided by 1000 and so reads in ms, the unit that column has in the logs of
 * HdrHistogram's Java writer and jHiccup (which record ns and divide by 1e6). HistogramLogProcessor
 * assumes ns by default: give it `-outputValueUnitRatio 1000` to get its percentiles in ms.
 */
const US_PER_MS = 1000;

/**
 * The corrected latency of every second of the run as an HdrHistogram interval log (.hlog, format
 * 1.3), written with hdr-histogram-js's port of HdrHistogram's own writer. Interval timestamps are
 * seconds from BaseTime, the start of the run.
 */
export function seriesHlog(result: Pick<RunResult, 'tool' | 'startedAt' | 'durationMs' | 'series'>): string {
  let text = '';
  const writer = new HistogramLogWriter((chunk) => (text += chunk));
  const startMs = Date.parse(result.startedAt);
  writer.outputComment(`[Logged with salvo ${result.tool.version}: corrected latency per second, values in usec, Interval_Max in msec]`);
  writer.outputLogFormatVersion();
  writer.outputStartTime(startMs);
  // The port has no outputBaseTime; this is the line HdrHistogram's Java writer makes.
  writer.outputComment(`[BaseTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch)]`);
  writer.outputLegend();
  for (const sample of result.series) {
    // The last second is usually partial; its true length keeps per-interval rates honest.
    const lengthSec = Math.min(1, Math.max(0, result.durationMs / 1000 - sample.second));
    writer.outputIntervalHistogram(secondHistogram(sample), sample.second, sample.second + lengthSec, US_PER_MS);
  }
  return text;
}

export async function writeHlog(result: RunResult, path: string): Promise<void> {
  await writeFile(path, seriesHlog(result));
}

function secondHistogram(sample: SecondSample): JsHistogram {
  return decodeFromCompressedBase64(sample.histogram, 32, false) as JsHistogram;
}
