import type { ErrorCause } from '../metrics/causes.js';
import type { SecondSample } from '../metrics/recorder.js';
import { formatCount, formatMs, formatRate } from '../units/format.js';

/** What a progress display shows after each closed second. */
export interface ProgressFrame {
  /** Whole seconds of the run closed so far. */
  elapsedSeconds: number;
  durationMs: number;
  /** Null in max-throughput mode. */
  /** The requested rate; null for max throughput, 'users' for virtual users (the closed model has no rate to reach). */
  targetRate: number | null | 'users';
  last: SecondSample;
  /** Errors by cause since the start. */
  errors: Partial<Record<ErrorCause, number>>;
  inFlight: number;
  /** The generator's CPU use over the last second; 100 = one core. */
  cpuPercent: number;
  /** A held throughput's setpoint and the concurrency its controller set. */
  dial?: { setpointPerSec: number; concurrency: number };
}

const BAR_WIDTH = 30;

const rate = ({ last, targetRate, dial }: ProgressFrame): string =>
  dial
    ? `${formatRate(last.completed)} of ${formatRate(dial.setpointPerSec)} held`
    : targetRate === 'users'
      ? `${formatRate(last.completed)} (virtual users)`
      : `${formatRate(last.completed)} of ${targetRate === null ? 'max' : formatRate(targetRate)}`;
const inFlight = ({ inFlight: count, dial }: ProgressFrame): string =>
  `in flight ${formatCount(count)}${dial ? ` (dial ${formatCount(dial.concurrency)})` : ''}`;
const latency = ({ last }: ProgressFrame): string => `p50 ${formatMs(last.latencyMs.p50)}  p99 ${formatMs(last.latencyMs.p99)}`;
const cpu = ({ cpuPercent }: ProgressFrame): string => `CPU ${Math.round(cpuPercent)}%`;

/** Said while the run goes, as soon as it stays behind its schedule: what holds it back and what would help. */
function behind({ last }: ProgressFrame): string {
  if (!last.behind) return '';
  const { ms, limit } = last.behind;
  const why =
    limit === 'generator' ? 'the generator cannot keep up (--workers, --jit peak, less per request)' : 'every connection is busy (raise --connections)';
  return `  BEHIND by ${formatMs(ms)}: ${why}`;
}

function errors({ errors: counts }: ProgressFrame): string {
  const entries = Object.entries(counts);
  return `errors ${entries.length === 0 ? 'none' : entries.map(([cause, count]) => `${cause} ${formatCount(count)}`).join('  ')}`;
}

function time({ elapsedSeconds, durationMs }: ProgressFrame): string {
  const elapsedMs = elapsedSeconds * 1000;
  const left = elapsedMs < durationMs ? `${formatMs(durationMs - elapsedMs)} left` : 'sending done, waiting for answers';
  return `${formatMs(elapsedMs)} of ${formatMs(durationMs)}, ${left}`;
}

/** One self-contained line, for logs and pipes. */
export function progressLine(frame: ProgressFrame): string {
  return `[${time(frame)}] ${rate(frame)}  ${latency(frame)}  ${errors(frame)}  ${inFlight(frame)}  ${cpu(frame)}${behind(frame)}`;
}

/** The block a terminal redraws in place: always the same number of lines. */
export function progressBlock(frame: ProgressFrame): string[] {
  const done = Math.round(Math.min(1, (frame.elapsedSeconds * 1000) / frame.durationMs) * BAR_WIDTH);
  return [
    `  ${'█'.repeat(done)}${'░'.repeat(BAR_WIDTH - done)}  ${time(frame)}`,
    `  rate ${rate(frame)}   last second ${latency(frame)}`,
    `  ${errors(frame)}`,
    `  ${inFlight(frame)}   generator ${cpu(frame)}${behind(frame)}`,
  ];
}
