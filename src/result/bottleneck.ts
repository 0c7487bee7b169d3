import { shardLabel } from '../plan/shard.js';
import { formatMs } from '../units/format.js';
import type { RunSource } from './types.js';

/** A p99 schedule lag this many times the others' (their median), and at least the floor, singles a generator out. */
const LAG_FACTOR = 5;
const LAG_FLOOR_MS = 1;

/** One input of a merge with the name it goes by (shard 2/4, worker 1/2, or its file). */
export interface NamedSource {
  name: string;
  source: RunSource;
}

/** "shard 2/4", "worker 1/2", "shard 2/4 worker 1/2"; undefined for a whole run, which goes by its file's name. */
export function nameOfSource(source: RunSource): string | undefined {
  const parts = [...(source.shard ? [`shard ${shardLabel(source.shard)}`] : []), ...(source.worker ? [`worker ${shardLabel(source.worker)}`] : [])];
  return parts.length > 0 ? parts.join(' ') : undefined;
}

const lagP99 = (source: RunSource): number => source.scheduleLagMs?.p99 ?? 0;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Which of the generators that ran side by side held the load back: one whose event loop was
 * saturated (`generator.saturated`), or whose p99 schedule lag stands far above the others'. The
 * merged latencies mix every share, so one slow generator would otherwise pass for a slow target.
 * CPU alone is no sign: an arrival-rate generator polls its event loop when requests are due within
 * 1.5 ms, so its CPU reads near 100% while it keeps its schedule.
 */
export function bottleneckWarnings(sources: readonly NamedSource[]): string[] {
  if (sources.length < 2) return [];
  const flagged = sources.filter(({ source }, index) => {
    const othersLag = median(sources.filter((_, other) => other !== index).map((other) => lagP99(other.source)));
    const behind = lagP99(source) >= LAG_FLOOR_MS && lagP99(source) >= LAG_FACTOR * othersLag;
    return behind || source.generator.saturated;
  });
  if (flagged.length === 0) return [];
  const health = (source: RunSource): string =>
    `CPU ${source.generator.cpuPercent}%, event-loop delay p99 ${formatMs(source.generator.eventLoopDelayMs.p99)}, schedule lag p99 ${formatMs(lagP99(source))}`;
  if (flagged.length === sources.length) {
    return [
      `every generator was saturated or behind schedule (${sources.map(({ name, source }) => `${name}: ${health(source)}`).join('; ')}): add workers or shards`,
    ];
  }
  const rest = sources.filter((named) => !flagged.includes(named)).map(({ source }) => source);
  const restCpu = Math.max(...rest.map((source) => source.generator.cpuPercent));
  const restLag = Math.max(...rest.map(lagP99));
  return flagged.map(
    ({ name, source }) =>
      `${name} was the bottleneck (${health(source)}; the others at most CPU ${restCpu}%, schedule lag p99 ${formatMs(restLag)}): its share was sent late, which shows in the corrected latency`,
  );
}
