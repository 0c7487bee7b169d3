import type { ErrorCause } from '../metrics/causes.js';
import type { PercentilesMs } from '../metrics/histogram.js';
import type { SecondSample } from '../metrics/recorder.js';
import { formatMs } from '../units/format.js';
import type { Bottleneck, Summary } from './types.js';

/** Failures that happen before a request reaches the target's application: the connection itself failed. */
const NETWORK_CAUSES: readonly ErrorCause[] = ['refused', 'reset', 'socket'];
/** The share of requests whose connection failed from which the network (or the target's accept queue) is named. */
const NETWORK_SHARE = 0.01;
/**
 * How much slower than at its best the target must answer to be named: twice, and by at least 1 ms,
 * so that the microseconds a loopback answer varies by never count (an assumption on loopback and
 * LAN latencies, not on the machine's speed).
 */
const SLOWDOWN_FACTOR = 2;
const SLOWDOWN_FLOOR_MS = 1;
/** A max-throughput generator whose CPU reads this high set the pace itself (it does not poll there). */
const FLAT_OUT_CPU_PERCENT = 95;
/**
 * A saturated generator that wanted this much of a core (what it ran plus what it waited for one while
 * other processes held it) was busy with its own work; one that wanted less sat idle between late turns.
 */
const SELF_BUSY_CPU_PERCENT = 90;

const GENERATOR_REMEDY =
  'run more generator threads (--workers auto) or shards, keep TurboFan (--jit peak), or ask less of each request (fewer templates and per-request exports such as --ndjson); more connections would not help';

/**
 * What held the run back, from what it measured: the generator's own event loop, its connections,
 * the target, or the network. Undefined when nothing did: every request left on time and the target
 * kept its pace.
 */
export function diagnoseBottleneck(summary: Omit<Summary, 'bottleneck' | 'warnings'>, series: readonly SecondSample[]): Bottleneck | undefined {
  const { requests, errors, generator, rate, latencyMs } = summary;
  const attempted = requests.sent + requests.dropped;
  const networkFailures = NETWORK_CAUSES.map((cause) => [cause, errors[cause] ?? 0] as const).filter(([, count]) => count > 0);
  const failedToConnect = networkFailures.reduce((sum, [, count]) => sum + count, 0);
  if (failedToConnect > 0 && failedToConnect >= NETWORK_SHARE * attempted) {
    return {
      limit: 'network',
      evidence: `${failedToConnect} of ${attempted} requests failed on their connection (${networkFailures.map(([cause, count]) => `${cause} ${count}`).join(', ')})`,
      remedy:
        "check that the target listens at that address and accepts this many connections (its listen backlog, its and this machine's open-file limits), and the network between",
    };
  }
  const behind = generator.behindMs ?? { generator: 0, connections: 0 };
  const busy = `event loop busy enough to read its answers late, CPU ${generator.cpuPercent}%`;
  if (behind.generator > 0 || requests.droppedBy.lateBatch > 0) {
    const how =
      behind.generator > 0
        ? `behind its schedule for ${formatMs(behind.generator)} on its own (${busy})`
        : `${requests.droppedBy.lateBatch} requests dropped because their batch started too late`;
    return { limit: 'generator', evidence: `the generator was ${how}`, remedy: GENERATOR_REMEDY };
  }
  // A loop late by this much reads its answers late: every latency then holds the generator's own delay.
  // What it wanted of a core (the CPU it got plus its wait for one) tells a generator busy with its own
  // work from one that sat idle between late turns.
  const waited = generator.waitingForCorePercent ?? 0;
  if (generator.saturated && generator.cpuPercent + waited >= SELF_BUSY_CPU_PERCENT) {
    const waitNote = waited >= 1 ? ` and ${waited}% more waiting for a core that other processes held` : '';
    return {
      limit: 'generator',
      evidence: `the generator's event loop was late by up to ${formatMs(generator.eventLoopDelayMs.p99)} (p99) with its CPU at ${generator.cpuPercent}%${waitNote}: it read answers late, so the latencies include its own delay`,
      remedy: GENERATOR_REMEDY,
    };
  }
  if (rate.target === null) {
    if (generator.cpuPercent < FLAT_OUT_CPU_PERCENT) return undefined;
    return { limit: 'generator', evidence: `the generator ran flat out with its CPU at ${generator.cpuPercent}%`, remedy: GENERATOR_REMEDY };
  }
  const { queueFull, unsentAtEnd } = requests.droppedBy;
  if (behind.connections > 0 || queueFull > 0 || unsentAtEnd > 0) {
    const waited = `requests waited for a free connection${behind.connections > 0 ? ` for ${formatMs(behind.connections)} of the run` : ''}${queueFull + unsentAtEnd > 0 ? `, ${queueFull + unsentAtEnd} never got one` : ''}`;
    const timeouts = errors.timeout ?? 0;
    if (timeouts > 0 && timeouts >= NETWORK_SHARE * requests.sent) {
      return {
        limit: 'target',
        evidence: `${waited} because the target held them: ${timeouts} of ${requests.sent} sent requests timed out`,
        remedy:
          'the target is at its capacity or stuck: ask for fewer requests per second, or look at the target; more connections would only hold more requests in it',
      };
    }
    if (slowerThanAtBest(latencyMs.uncorrected)) {
      return {
        limit: 'target',
        evidence: `${waited} because the target slowed down: it answered in ${formatMs(latencyMs.uncorrected.p50)} (p50) against ${formatMs(latencyMs.uncorrected.min)} at best`,
        remedy:
          'the target is at its capacity: ask for fewer requests per second, or give the target more capacity; more connections would only queue more requests inside it',
      };
    }
    return {
      limit: 'connections',
      evidence: `${waited} while the generator's event loop had time to spare and the target kept its pace (p50 ${formatMs(latencyMs.uncorrected.p50)})`,
      remedy: `raise --connections: at ${formatMs(latencyMs.uncorrected.mean)} a request, ${rate.target} req/s keep about ${Math.ceil((rate.target * latencyMs.uncorrected.mean) / 1000)} connections busy (and --max-queue, if requests were dropped)`,
    };
  }
  const rise = latencyRise(series);
  if (!rise) return undefined;
  return {
    limit: 'target',
    evidence: `the target's latency rose from ${formatMs(rise.fromMs)} to ${formatMs(rise.toMs)} (mean of a second) while the generator kept its schedule`,
    remedy: 'the target is nearing its capacity at this rate: ask for fewer requests per second, or give the target more capacity',
  };
}

function slowerThanAtBest({ p50, min }: PercentilesMs): boolean {
  return p50 >= SLOWDOWN_FACTOR * min && p50 - min >= SLOWDOWN_FLOOR_MS;
}

/** The first second's mean latency against the slowest later second's, when that is a slowdown. */
function latencyRise(series: readonly SecondSample[]): { fromMs: number; toMs: number } | undefined {
  const means = series.flatMap((sample) => (sample.uncorrectedMeanMs === undefined ? [] : [sample.uncorrectedMeanMs]));
  if (means.length < 2) return undefined;
  const fromMs = means[0]!;
  const toMs = Math.max(...means.slice(1));
  return toMs >= SLOWDOWN_FACTOR * fromMs && toMs - fromMs >= SLOWDOWN_FLOOR_MS ? { fromMs, toMs } : undefined;
}
