import { mergeTargetSpreads } from './merge-targets.js';
import { randomUUID } from 'node:crypto';
import { shardLabel, targetRateOf, type Shard } from '../plan/shard.js';
import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import { createSlowdownHistogram } from '../metrics/slowdown.js';
import type { DropReason } from '../metrics/recorder.js';
import type { Plan } from '../plan/schema.js';
import { VERSION } from '../version.js';
import { encodedHistograms } from './from-recorder.js';
import { mergeBreakdowns } from './merge-breakdown.js';
import { bottleneckWarnings, nameOfSource, type NamedSource } from './bottleneck.js';
import { sumCounts, sumHistograms } from './merge-parts.js';
import { mergeSeries } from './merge-series.js';
import { summarize, type SummaryInput } from './summarize.js';
import { RESULT_SCHEMA, type EncodedHistograms, type RunEvent, type RunResult, type RunSource, type Summary } from './types.js';
import { splitDurationMs } from './warmup.js';
import { SalvoError } from '../errors.js';

/** Why results cannot be merged, in one line that names the input. */
export class MergeError extends SalvoError {
  override name = 'MergeError';
  constructor(message: string, code: 'ERR_MERGE' | 'ERR_MERGE_SAME_RUN' = 'ERR_MERGE') {
    super(code, message);
  }
}

const NO_DROPS: Record<DropReason, number> = { queueFull: 0, lateBatch: 0, unsentAtEnd: 0 };

export interface MergeOptions {
  /**
   * The inputs are the worker threads of one run of this plan, in order (src/workers): each ran a
   * finer shard of it with no thresholds, so the merge is that plan's run, not a merge of runs.
   */
  workersOf?: Plan;
  /** The inputs are the scenarios of one plan, each its own load: their plans differ by design. */
  scenarios?: boolean;
}

/**
 * One result from runs of the same plan that ran side by side (shards, workers, machines), losslessly:
 * histograms and counts are added and the summary is derived again from them, never by averaging
 * percentiles. `names` label the inputs in errors and warnings (file names in the CLI).
 */
export function mergeResults(
  results: readonly RunResult[],
  names: readonly string[] = results.map((_, index) => `result ${index + 1}`),
  { workersOf, scenarios = false }: MergeOptions = {},
): RunResult {
  const shardCount = workersOf ? undefined : refuseUnmergeable(results, names, scenarios);
  const plan = workersOf ?? (shardCount !== undefined ? withoutShard(results[0]!.plan) : results[0]!.plan);
  const startedMs = Math.min(...results.map((result) => Date.parse(result.startedAt)));
  const endedMs = Math.max(...results.map((result) => Date.parse(result.endedAt)));
  // A run's rates are over its durationMs, which is never shorter than its planned duration even when
  // the last answer came sooner; the merged span ends where the last input's measured time ends.
  const measuredEndMs = Math.max(...results.map((result) => Date.parse(result.startedAt) + result.durationMs));
  const durationMs = Math.round((Math.max(endedMs, measuredEndMs) - startedMs) * 1000) / 1000;
  const targets = results.map((result) => result.summary.rate.target);
  // N generators each sending R send N·R together (the inputs ran side by side); a run without a
  // target (max throughput) makes the sum meaningless. A merged input already holds its own sum.
  // A complete set of shards was asked for the whole plan's rate, exactly (a sum of thirds may not be).
  const targetRate =
    workersOf !== undefined || shardCount !== undefined
      ? targetRateOf(plan)
      : targets.every((target) => target !== null)
        ? targets.reduce((sum, target) => sum + target, 0)
        : null;
  // The worst generator: one saturated input taints the merged latencies.
  const generator = worstGenerator(results.map((result) => result.summary.generator));
  // Shards and workers run one schedule from one time zero, so their seconds line up by run, not by wall clock.
  const series = mergeSeries(
    results.map((result) => result.series),
    shardCount !== undefined || workersOf !== undefined ? 'run' : 'wall',
  );
  const durations = splitDurationMs(durationMs, plan.warmupMs);
  const measured = mergeParts(
    results.map((result) => ({ summary: result.summary, histograms: result.histograms })),
    { durationMs: durations.measuredMs, targetRate, generator, series: series.filter((second) => !second.warmup) },
  );
  const warmupParts = results.flatMap((result) =>
    result.warmup && result.histograms.warmup ? [{ summary: result.warmup, histograms: result.histograms.warmup }] : [],
  );
  const warmup =
    warmupParts.length > 0
      ? mergeParts(warmupParts, { durationMs: durations.warmupMs, targetRate, generator, series: series.filter((second) => second.warmup) })
      : undefined;
  const { summary } = measured;
  const interruptReasons = [...new Set(results.flatMap((result) => (result.interrupted && result.interruptReason ? [result.interruptReason] : [])))];
  const breakdown = mergeBreakdowns(results.map((result) => result.breakdown));
  const targetSpread = mergeTargetSpreads(results.map((result) => result.targets));
  // A merged input contributes its own sources, so merging in steps gives the same result as at once.
  const named: NamedSource[] = workersOf
    ? results.map((result, index) => workerSource(result, { index: index + 1, count: results.length }, workersOf.shard))
    : results.flatMap((result, index) => (result.sources ?? [sourceOf(result)]).map((source) => ({ name: mergedName(source, names[index]!), source })));
  const partial = [...new Set(results.flatMap((result) => result.partial ?? []))];
  const events = mergedEvents(results, startedMs);
  summary.warnings.push(...partial.map((line) => `partial result: ${line}`), ...bottleneckWarnings(named));
  // Judged thresholds describe each input run, not the merge, so they are not carried over.
  return {
    schema: RESULT_SCHEMA,
    tool: { name: 'salvo', version: VERSION, node: process.version },
    plan,
    runId: randomUUID(),
    startedAt: new Date(startedMs).toISOString(),
    endedAt: new Date(endedMs).toISOString(),
    durationMs,
    interrupted: results.some((result) => result.interrupted),
    ...(interruptReasons.length > 0 ? { interruptReason: interruptReasons.join(', ') } : {}),
    summary,
    ...(warmup ? { warmup: warmup.summary } : {}),
    series,
    histograms: { ...measured.histograms, ...(warmup ? { warmup: warmup.histograms } : {}) },
    ...(breakdown ? { breakdown } : {}),
    ...(targetSpread ? { targets: targetSpread } : {}),
    sources: named.map(({ source }) => source),
    ...(shardCount !== undefined ? { shards: shardsRecord(results, shardCount, startedMs) } : {}),
    ...(partial.length > 0 ? { partial } : {}),
    ...(events.length > 0 ? { events } : {}),
  };
}

/** Every input's changes, timed from the merged run's time zero (the earliest start), in order. */
function mergedEvents(results: readonly RunResult[], startedMs: number): RunEvent[] {
  return results
    .flatMap((result) => (result.events ?? []).map((event) => ({ ...event, tMs: event.tMs + Date.parse(result.startedAt) - startedMs })))
    .sort((a, b) => a.tMs - b.tMs);
}

/** A summary with the histograms it is derived from: a run's own, or its warm-up's. */
interface SummaryPart {
  summary: Summary;
  histograms: EncodedHistograms;
}

/** Parts of runs that ran side by side as one: counts and histograms added, the summary derived again from them. */
function mergeParts(parts: readonly SummaryPart[], shared: Pick<SummaryInput, 'durationMs' | 'targetRate' | 'generator' | 'series'>): SummaryPart {
  const requests = parts.map((part) => part.summary.requests);
  const total = (field: 'sent' | 'completed' | 'failed' | 'dropped' | 'interrupted'): number => requests.reduce((sum, counts) => sum + counts[field], 0);
  const corrected = sumHistograms(parts.map((part) => part.histograms.corrected));
  const uncorrected = sumHistograms(parts.map((part) => part.histograms.uncorrected));
  const scheduleLag = sumHistograms(parts.map((part) => part.histograms.scheduleLag));
  const present = (encoded: (string | undefined)[]): string[] => encoded.filter((text) => text !== undefined);
  const slowdown = sumHistograms(present(parts.map((part) => part.histograms.slowdown)), createSlowdownHistogram);
  const serviceTime = sumHistograms(present(parts.map((part) => part.histograms.serviceTime)));
  const summary = summarize({
    ...shared,
    totals: {
      sent: total('sent'),
      completed: total('completed'),
      failed: total('failed'),
      dropped: total('dropped'),
      droppedBy: sumCounts([NO_DROPS, ...requests.map((counts) => counts.droppedBy)]),
      errors: sumCounts(parts.map((part) => part.summary.errors)),
      statusCodes: sumCounts(parts.map((part) => part.summary.statusCodes)),
    },
    corrected,
    uncorrected,
    scheduleLag,
    slowdown,
    serviceTime,
    interrupted: total('interrupted'),
  });
  return { summary, histograms: encodedHistograms({ corrected, uncorrected, scheduleLag, slowdown, serviceTime }) };
}

/** Throws when the results cannot make one; returns the shard count when they are a complete set of shards. */
function refuseUnmergeable(results: readonly RunResult[], names: readonly string[], scenarios: boolean): number | undefined {
  results.forEach((result, index) => {
    if (result.schema !== RESULT_SCHEMA) {
      throw new MergeError(`cannot merge: ${names[index]} is not a salvo result (schema ${JSON.stringify(result.schema)}, expected "${RESULT_SCHEMA}")`);
    }
  });
  refuseSameRunTwice(results, names);
  const shardCount = refuseIncompleteShards(results, names);
  if (shardCount === undefined && results.length < 2) throw new MergeError(`cannot merge: need at least 2 results, got ${results.length}`);
  const [first, ...rest] = results;
  if (scenarios) return shardCount;
  rest.forEach((result, index) => {
    const difference = firstDifference(withoutShard(result.plan), withoutShard(first!.plan), '');
    if (difference) {
      throw new MergeError(
        `cannot merge: ${names[index + 1]} ran a different plan (${difference.path} ${difference.value} vs ${difference.other} in ${names[0]})`,
      );
    }
  });
  return shardCount;
}

/**
 * One run taken twice (a file and its copy, or a merge and one of its inputs) would double its counts.
 * A run is known by its id; a whole result written before ids were kept, by its times and histogram.
 */
function refuseSameRunTwice(results: readonly RunResult[], names: readonly string[]): void {
  const holder = new Map<string, number>();
  results.forEach((result, index) => {
    const identities = result.sources
      ? result.sources.flatMap((source) => (source.runId === undefined ? [] : [source.runId]))
      : [result.runId ?? `${result.startedAt} ${result.endedAt} ${result.histograms.corrected}`];
    for (const identity of identities) {
      const earlier = holder.get(identity);
      if (earlier !== undefined) {
        const which = earlier === index ? `${names[index]} holds one run twice` : `${names[earlier]} and ${names[index]} hold the same run`;
        const id = identity.includes(' ') ? '' : ` (run id ${identity})`;
        throw new MergeError(`cannot merge: ${which}${id}: merging it twice would double its counts`, 'ERR_MERGE_SAME_RUN');
      }
      holder.set(identity, index);
    }
  });
}

/**
 * Shards merge only as a complete set: each of 1 … count exactly once, all of the same count, and
 * never mixed with whole runs, since a missing share would pass for a lighter load.
 */
function refuseIncompleteShards(results: readonly RunResult[], names: readonly string[]): number | undefined {
  const firstShard = results.findIndex((result) => result.plan.shard !== undefined);
  if (firstShard < 0) return undefined;
  const count = results[firstShard]!.plan.shard!.count;
  const seen = new Map<number, string>();
  results.forEach((result, index) => {
    const { shard } = result.plan;
    if (shard === undefined)
      throw new MergeError(`cannot merge: ${names[index]} is not a shard, but ${names[firstShard]} is shard ${shardLabel(results[firstShard]!.plan.shard!)}`);
    if (shard.count !== count)
      throw new MergeError(`cannot merge: ${names[index]} is shard ${shardLabel(shard)}, but ${names[firstShard]} is one of ${count} shards`);
    const twin = seen.get(shard.index);
    if (twin !== undefined) throw new MergeError(`cannot merge: shard ${shardLabel(shard)} appears twice (${twin} and ${names[index]})`);
    seen.set(shard.index, names[index]!);
  });
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((index) => !seen.has(index));
  if (missing.length === 1) throw new MergeError(`cannot merge: shard ${missing[0]}/${count} is missing`);
  if (missing.length > 1) throw new MergeError(`cannot merge: shards ${missing.map((index) => `${index}/${count}`).join(', ')} are missing`);
  return count;
}

/** How many shards, how far apart their time zeros were, and, when all were told when to start, the latest one's lateness. */
function shardsRecord(results: readonly RunResult[], count: number, startedMs: number): NonNullable<RunResult['shards']> {
  const skews = results.map((result) => result.startAt?.skewMs);
  return {
    count,
    startSpreadMs: Math.max(...results.map((result) => Date.parse(result.startedAt))) - startedMs,
    ...(skews.every((skew) => skew !== undefined) ? { maxSkewMs: Math.max(...skews) } : {}),
  };
}

function withoutShard(plan: Plan): Plan {
  const { shard: _shard, ...rest } = plan;
  return rest;
}

interface Difference {
  path: string;
  value: string;
  other: string;
}

const describe = (value: unknown): string => (value === undefined ? 'absent' : JSON.stringify(value));

/** The first place where two JSON values differ, as a dotted path, or undefined when they are equal. */
function firstDifference(value: unknown, other: unknown, path: string): Difference | undefined {
  if (typeof value === 'object' && value !== null && typeof other === 'object' && other !== null && Array.isArray(value) === Array.isArray(other)) {
    const keys = [...new Set([...Object.keys(value), ...Object.keys(other)])];
    for (const key of keys) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      const difference = firstDifference((value as Record<string, unknown>)[key], (other as Record<string, unknown>)[key], childPath);
      if (difference) return difference;
    }
    return undefined;
  }
  return Object.is(value, other) ? undefined : { path: path || 'plan', value: describe(value), other: describe(other) };
}

function worstGenerator(generators: readonly GeneratorHealth[]): GeneratorHealth {
  const worst = (pick: (health: GeneratorHealth) => number): number => Math.max(...generators.map(pick));
  const turbofanFrom = generators.flatMap((health) => (health.turbofanFromMs === undefined ? [] : [health.turbofanFromMs]));
  return {
    cpuPercent: worst((health) => health.cpuPercent),
    eventLoopDelayMs: {
      p50: worst((health) => health.eventLoopDelayMs.p50),
      p99: worst((health) => health.eventLoopDelayMs.p99),
      max: worst((health) => health.eventLoopDelayMs.max),
    },
    ...(generators.some((health) => health.behindMs)
      ? { behindMs: { generator: worst((health) => health.behindMs?.generator ?? 0), connections: worst((health) => health.behindMs?.connections ?? 0) } }
      : {}),
    ...(turbofanFrom.length > 0 ? { turbofanFromMs: Math.min(...turbofanFrom) } : {}),
    ...(generators.some((health) => health.waitingForCorePercent !== undefined)
      ? { waitingForCorePercent: worst((health) => health.waitingForCorePercent ?? 0) }
      : {}),
  };
}

const sourceOf = (result: RunResult): RunSource => ({
  ...(result.runId !== undefined ? { runId: result.runId } : {}),
  startedAt: result.startedAt,
  endedAt: result.endedAt,
  durationMs: result.durationMs,
  generator: result.summary.generator,
  scheduleLagMs: result.summary.scheduleLagMs,
  ...(result.plan.shard ? { shard: result.plan.shard } : {}),
  ...(result.startAt ? { startAt: result.startAt } : {}),
});

/** A shard goes by its label; anything else by its input's name, and its worker when it was one ("b.json worker 1/2"). */
const mergedName = (source: RunSource, inputName: string): string =>
  source.shard ? nameOfSource(source)! : [inputName, nameOfSource(source)].filter(Boolean).join(' ');

/** A worker's source: labelled with its worker number and the shard of the whole run, not the finer share it ran. */
function workerSource(result: RunResult, worker: Shard, shard: Shard | undefined): NamedSource {
  const { shard: _share, ...source } = sourceOf(result);
  const labelled: RunSource = { ...source, ...(shard ? { shard } : {}), worker };
  return { name: nameOfSource(labelled)!, source: labelled };
}
