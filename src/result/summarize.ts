import type { Histogram } from 'hdr-histogram-js';
import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import { percentilesMs } from '../metrics/histogram.js';
import { slowdownStats } from '../metrics/slowdown.js';
import type { RecorderTotals, SecondSample } from '../metrics/recorder.js';
import { diagnoseBottleneck } from './diagnosis.js';
import type { Summary } from './types.js';

export interface SummaryInput {
  totals: RecorderTotals;
  corrected: Histogram;
  uncorrected: Histogram;
  scheduleLag: Histogram;
  slowdown: Histogram;
  serviceTime: Histogram;
  durationMs: number;
  targetRate: number | null;
  generator: GeneratorHealth;
  /** Requests sent but unanswered when the run was cut short. */
  interrupted: number;
  series: readonly SecondSample[];
}

/** A generator whose event loop runs this late is measuring itself. */
const SATURATED_LOOP_DELAY_MS = 20;

const perSecond = (count: number, durationMs: number): number => (durationMs > 0 ? Math.round((count / durationMs) * 1e6) / 1000 : 0);

/** The summary, derived only from counts and histograms: a merge of results calls it the same way. */
export function summarize(input: SummaryInput): Summary {
  const { totals, durationMs, generator } = input;
  const lag = percentilesMs(input.scheduleLag);
  const saturated = generator.eventLoopDelayMs.p99 > SATURATED_LOOP_DELAY_MS || totals.droppedBy.lateBatch > 0;
  const measured = {
    requests: {
      sent: totals.sent,
      completed: totals.completed,
      failed: totals.failed,
      dropped: totals.dropped,
      droppedBy: totals.droppedBy,
      interrupted: input.interrupted,
    },
    rate: {
      target: input.targetRate,
      achieved: perSecond(totals.completed, durationMs),
      sent: perSecond(totals.sent, durationMs),
    },
    latencyMs: { corrected: percentilesMs(input.corrected), uncorrected: percentilesMs(input.uncorrected) },
    scheduleLagMs: { p50: lag.p50, p99: lag.p99, max: lag.max },
    ...slowdownOf(input),
    errors: totals.errors,
    statusCodes: totals.statusCodes,
    generator: { ...generator, saturated },
  };
  const bottleneck = diagnoseBottleneck(measured, input.series);
  return { ...measured, warnings: warningsFor(totals, generator, saturated), ...(bottleneck ? { bottleneck } : {}) };
}

/** Slowdown and service time, only when some answer carried a service time: absent, never zero. */
function slowdownOf({ slowdown, serviceTime }: SummaryInput): Pick<Summary, 'slowdown' | 'serviceTimeMs'> {
  if (serviceTime.totalCount === 0) return {};
  const service = percentilesMs(serviceTime);
  return { slowdown: slowdownStats(slowdown), serviceTimeMs: { p50: service.p50, p99: service.p99, mean: service.mean } };
}

function warningsFor(totals: RecorderTotals, generator: GeneratorHealth, saturated: boolean): string[] {
  const warnings: string[] = [];
  const { queueFull, lateBatch, unsentAtEnd } = totals.droppedBy;
  if (queueFull > 0) {
    warnings.push(`${queueFull} requests dropped because more than --max-queue were waiting for a free connection (see the limit for why they waited)`);
  }
  if (lateBatch > 0) {
    warnings.push(`${lateBatch} requests dropped because their batch could not start inside its own bucket: the generator fell behind`);
  }
  if (unsentAtEnd > 0) {
    warnings.push(`${unsentAtEnd} requests were still waiting for a free connection when the run ended and were never sent`);
  }
  if (saturated && lateBatch === 0) {
    warnings.push(
      `the generator was saturated (event-loop delay p99 ${generator.eventLoopDelayMs.p99} ms, CPU ${generator.cpuPercent}%): latencies include the generator's own delay`,
    );
  }
  const closed = totals.errors.closed ?? 0;
  if (closed > 0 && closed === totals.sent) {
    // A target that closes every connection without a word is most often speaking another protocol than the URL's.
    warnings.push(
      `every request failed as closed (the target closed the connection without answering): this looks like a protocol mismatch, such as http:// against an HTTP/2-only (h2c) server (use h2c://)`,
    );
  }
  return warnings;
}
