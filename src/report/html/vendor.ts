import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * uPlot (MIT, ~50 kB, canvas): small enough to inline into every report and fast with tens of thousands of
 * points, where Chart.js is four times the size. Read from node_modules at report time, so the page opens
 * offline and the library is the version the lockfile pins.
 */
export interface ChartLibrary {
  js: string;
  css: string;
}

const require = createRequire(import.meta.url);

export async function loadChartLibrary(): Promise<ChartLibrary> {
  const [js, css] = await Promise.all(['uplot/dist/uPlot.iife.min.js', 'uplot/dist/uPlot.min.css'].map((file) => readFile(require.resolve(file), 'utf8')));
  return { js: js!, css: css! };
}
