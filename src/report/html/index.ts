export { writeHtmlReport } from './write.js';
export { renderHtmlReport } from './page.js';
export { loadChartLibrary, type ChartLibrary } from './vendor.js';
