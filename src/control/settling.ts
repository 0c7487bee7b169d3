/** Within this share of the setpoint a throughput counts as held. */
export const SETTLE_TOLERANCE = 0.05;
/** Throughput is judged as a mean over this window, so a tick's counting noise is not taken for a miss. */
const SETTLE_WINDOW_MS = 1000;

interface TracePoint {
  tMs: number;
  setpointPerSec: number;
  measuredPerSec: number;
}

/**
 * The first time after the last change of setpoint from which the throughput, averaged over the
 * last second, stays within ±SETTLE_TOLERANCE of the setpoint to the end of the trace; null if it
 * never does (or the trace ends outside).
 */
export function settledAtMs(trace: readonly TracePoint[]): number | null {
  if (trace.length === 0) return null;
  const setpoint = trace.at(-1)!.setpointPerSec;
  let first = trace.length - 1;
  while (first > 0 && trace[first - 1]!.setpointPerSec === setpoint) first--;
  const stageStartMs = first > 0 ? trace[first - 1]!.tMs : 0;
  let settled: number | null = null;
  for (let index = first; index < trace.length; index++) {
    const windowStartMs = trace[index]!.tMs - SETTLE_WINDOW_MS;
    // A window reaching back before the setpoint changed would judge the old setpoint's ticks.
    if (windowStartMs < stageStartMs) continue;
    const mean = meanSince(trace, index, windowStartMs);
    const inside = Math.abs(mean - setpoint) <= SETTLE_TOLERANCE * setpoint;
    if (!inside) settled = null;
    else settled ??= trace[index]!.tMs;
  }
  return settled;
}

/** Mean measured throughput of the ticks ending in (startMs, trace[last].tMs]. */
function meanSince(trace: readonly TracePoint[], last: number, startMs: number): number {
  let sum = 0;
  let count = 0;
  for (let index = last; index >= 0 && trace[index]!.tMs > startMs; index--) {
    sum += trace[index]!.measuredPerSec;
    count++;
  }
  return sum / count;
}
