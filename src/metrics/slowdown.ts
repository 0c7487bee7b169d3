import { build, type Histogram } from 'hdr-histogram-js';
import { HISTOGRAM_DIGITS } from './histogram.js';

/** What a transport reports for an answer that carried no service time. */
export const NO_SERVICE_TIME = -1;

/**
 * Slowdowns (latency ÷ service time) are ratios, and an HdrHistogram records integers: a slowdown is
 * recorded in thousandths. Values below 2048 are recorded exactly at 3 significant digits, so the
 * common slowdowns just above 1 (1.000–2.047) keep 0.001, the precision of every other histogram,
 * while a coarser scale would lump together the small differences a study compares; a finer one buys
 * nothing that 3 significant digits would keep.
 */
export const SLOWDOWN_SCALE = 1000;
/** Past this a slowdown is recorded as this: a 1 µs service time answered a minute late is 6·10^7. */
const HIGHEST_SLOWDOWN = 100_000_000;

export function createSlowdownHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_SLOWDOWN * SLOWDOWN_SCALE,
    numberOfSignificantValueDigits: HISTOGRAM_DIGITS,
    bitBucketSize: 32,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records latency ÷ service time (both µs, the service time above 0). */
export function recordSlowdown(histogram: Histogram, latencyUs: number, serviceUs: number): void {
  const scaled = Math.round((latencyUs / serviceUs) * SLOWDOWN_SCALE);
  histogram.recordValue(scaled <= 0 ? 0 : Math.min(scaled, HIGHEST_SLOWDOWN * SLOWDOWN_SCALE));
}

export interface SlowdownStats {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  count: number;
}

/** Percentiles and mean of the slowdowns, as ratios to 3 decimals. */
export function slowdownStats(histogram: Histogram): SlowdownStats {
  const ratio = (scaled: number): number => Math.round(scaled) / SLOWDOWN_SCALE;
  return {
    p50: ratio(histogram.getValueAtPercentile(50)),
    p90: ratio(histogram.getValueAtPercentile(90)),
    p99: ratio(histogram.getValueAtPercentile(99)),
    mean: ratio(histogram.mean),
    count: histogram.totalCount,
  };
}
