import type { GeneratorHealth } from '../metrics/generator-monitor.js';
import { encodeHistogram } from '../metrics/histogram.js';
import type { DropReason } from '../metrics/recorder.js';
import { VERSION } from '../version.js';
import { sumCounts, sumHistograms } from './merge-parts.js';
import { mergeSeries } from './merge-series.js';
import { summarize } from './summarize.js';
import { RESULT_SCHEMA, type RunResult, type RunSource } from './types.js';

/** Why results cannot be merged, in one line that names the input. */
export class MergeError extends Error {
  override name = 'MergeError';
}

const NO_DROPS: Record<DropReason, number> = { queueFull: 0, lateBatch: 0, unsentAtEnd: 0 };

/**
 * One result from runs of the same plan that ran side by side (shards, workers, machines), losslessly:
 * histograms and counts are added and the summary is derived again from them, never by averaging
 * percentiles. `names` label the inputs in errors (file names in the CLI).
 */
export function mergeResults(results: readonly RunResult[], names: readonly string[] = results.map((_, index) => `result ${index + 1}`)): RunResult {
  refuseUnmergeable(results, names);
  const startedMs = Math.min(...results.map((result) => Date.parse(result.startedAt)));
  const endedMs = Math.max(...results.map((result) => Date.parse(result.endedAt)));
  // A run's rates are over its durationMs, which is never shorter than its planned duration even when
  // the last answer came sooner; the merged span ends where the last input's measured time ends.
  const measuredEndMs = Math.max(...results.map((result) => Date.parse(result.startedAt) + result.durationMs));
  const durationMs = Math.round((Math.max(endedMs, measuredEndMs) - startedMs) * 1000) / 1000;
  const requests = results.map((result) => result.summary.requests);
  const total = (field: 'sent' | 'completed' | 'failed' | 'dropped' | 'interrupted'): number => requests.reduce((sum, counts) => sum + counts[field], 0);
  const corrected = sumHistograms(results.map((result) => result.histograms.corrected));
  const uncorrected = sumHistograms(results.map((result) => result.histograms.uncorrected));
  const scheduleLag = sumHistograms(results.map((result) => result.histograms.scheduleLag));
  const targets = results.map((result) => result.summary.rate.target);
  const summary = summarize({
    totals: {
      sent: total('sent'),
      completed: total('completed'),
      failed: total('failed'),
      dropped: total('dropped'),
      droppedBy: sumCounts([NO_DROPS, ...requests.map((counts) => counts.droppedBy)]),
      errors: sumCounts(results.map((result) => result.summary.errors)),
      statusCodes: sumCounts(results.map((result) => result.summary.statusCodes)),
    },
    corrected,
    uncorrected,
    scheduleLag,
    durationMs,
    // N generators each sending R send N·R together (the inputs ran side by side); a run without a
    // target (max throughput) makes the sum meaningless. A merged input already holds its own sum.
    targetRate: targets.every((target) => target !== null) ? targets.reduce((sum, target) => sum + target, 0) : null,
    // The worst generator: one saturated input taints the merged latencies.
    generator: worstGenerator(results.map((result) => result.summary.generator)),
    interrupted: total('interrupted'),
  });
  const interruptReasons = [...new Set(results.flatMap((result) => (result.interrupted && result.interruptReason ? [result.interruptReason] : [])))];
  // Judged thresholds describe each input run, not the merge, so they are not carried over.
  return {
    schema: RESULT_SCHEMA,
    tool: { name: 'salvo', version: VERSION, node: process.version },
    plan: results[0]!.plan,
    startedAt: new Date(startedMs).toISOString(),
    endedAt: new Date(endedMs).toISOString(),
    durationMs,
    interrupted: results.some((result) => result.interrupted),
    ...(interruptReasons.length > 0 ? { interruptReason: interruptReasons.join(', ') } : {}),
    summary,
    series: mergeSeries(results.map((result) => result.series)),
    histograms: { corrected: encodeHistogram(corrected), uncorrected: encodeHistogram(uncorrected), scheduleLag: encodeHistogram(scheduleLag) },
    // A merged input contributes its own sources, so merging in steps gives the same result as at once.
    sources: results.flatMap((result) => result.sources ?? [sourceOf(result)]),
  };
}

function refuseUnmergeable(results: readonly RunResult[], names: readonly string[]): void {
  if (results.length < 2) throw new MergeError(`cannot merge: need at least 2 results, got ${results.length}`);
  results.forEach((result, index) => {
    if (result.schema !== RESULT_SCHEMA) {
      throw new MergeError(`cannot merge: ${names[index]} is not a salvo result (schema ${JSON.stringify(result.schema)}, expected "${RESULT_SCHEMA}")`);
    }
  });
  const [first, ...rest] = results;
  rest.forEach((result, index) => {
    const difference = firstDifference(result.plan, first!.plan, '');
    if (difference) {
      throw new MergeError(`cannot merge: ${names[index + 1]} ran a different plan (${difference.path} ${difference.value} vs ${difference.other} in ${names[0]})`);
    }
  });
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
  return {
    cpuPercent: worst((health) => health.cpuPercent),
    eventLoopDelayMs: {
      p50: worst((health) => health.eventLoopDelayMs.p50),
      p99: worst((health) => health.eventLoopDelayMs.p99),
      max: worst((health) => health.eventLoopDelayMs.max),
    },
  };
}

const sourceOf = (result: RunResult): RunSource => ({
  startedAt: result.startedAt,
  endedAt: result.endedAt,
  durationMs: result.durationMs,
  generator: result.summary.generator,
});
