import { z } from 'zod';
import { decodeHistogram } from '../metrics/histogram.js';
import { RESULT_SCHEMA } from './types.js';

/**
 * What a `salvo.result/v1` file must hold to be read: report, merge and compare all check a file
 * against this one schema before they use it, so a damaged file fails in one line naming its field
 * instead of printing NaN, a negative duration or a percentile of a histogram that does not decode.
 * Fields written later than v1's first files are optional; fields of a newer salvo are let through.
 */
const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();
const counts = z.record(z.string(), count);

const histogram = z.string().superRefine((encoded, ctx) => {
  try {
    decodeHistogram(encoded);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not an encoded histogram (${(error as Error).message.split('\n')[0]})` });
  }
});

const percentiles = z.looseObject({ p50: ms, p90: ms, p99: ms, p999: ms, max: ms, mean: ms, min: ms, count });
const lag = z.looseObject({ p50: ms, p99: ms, max: ms });
const generator = z.looseObject({ cpuPercent: ms, eventLoopDelayMs: lag });

const summary = z.looseObject({
  requests: z.looseObject({ sent: count, completed: count, failed: count, dropped: count, droppedBy: counts, interrupted: count }),
  rate: z.looseObject({ target: z.number().positive().nullable(), achieved: ms, sent: ms }),
  latencyMs: z.looseObject({ corrected: percentiles, uncorrected: percentiles }),
  scheduleLagMs: lag,
  errors: counts,
  statusCodes: counts,
  generator: generator.extend({ saturated: z.boolean() }),
  warnings: z.array(z.string()),
});

const second = z.looseObject({
  second: count,
  startEpochMs: z.number(),
  sent: count,
  completed: count,
  failed: count,
  dropped: count,
  errors: counts,
  latencyMs: lag,
  histogram,
  users: counts.optional(),
});

const shard = z.looseObject({ index: count, count });
const namedStats = z.looseObject({ name: z.string(), requests: count, failures: count, histogram });

export const runResultSchema = z.looseObject({
  schema: z.literal(RESULT_SCHEMA),
  tool: z.looseObject({ name: z.string(), version: z.string() }),
  // Checked only as far as report, merge and compare read it: a plan is validated when it is run.
  plan: z.looseObject({ target: z.looseObject({ url: z.string() }), executor: z.looseObject({ type: z.string(), durationMs: ms }) }),
  runId: z.string().min(1).optional(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  durationMs: ms,
  interrupted: z.boolean(),
  interruptReason: z.string().optional(),
  summary,
  thresholds: z.array(z.looseObject({ expression: z.string(), passed: z.boolean(), actual: z.number() })).optional(),
  series: z.array(second),
  histograms: z.looseObject({ corrected: histogram, uncorrected: histogram, scheduleLag: histogram }),
  scenarios: z.array(z.looseObject({ name: z.string(), summary })).optional(),
  breakdown: z
    .looseObject({
      tasks: z.array(namedStats),
      userTypes: z.array(namedStats),
      phases: z.array(namedStats),
      checks: z.array(z.looseObject({ name: z.string(), passes: count, fails: count })),
      exceptions: z.array(z.looseObject({ message: z.string(), count })),
      counters: z.array(z.looseObject({ name: z.string(), count: z.number() })),
    })
    .optional(),
  targets: z
    .looseObject({
      seed: z.number().optional(),
      counts: z.array(z.looseObject({ url: z.string(), weight: z.number(), sent: count, completed: count, failed: count })),
    })
    .optional(),
  targetStatistics: z.record(z.string(), z.number()).optional(),
  sources: z
    .array(
      z.looseObject({
        runId: z.string().optional(),
        startedAt: z.iso.datetime(),
        endedAt: z.iso.datetime(),
        durationMs: ms,
        generator,
        shard: shard.optional(),
        worker: shard.optional(),
      }),
    )
    .optional(),
  startAt: z.looseObject({ requested: z.string(), skewMs: z.number() }).optional(),
  shards: z.looseObject({ count, startSpreadMs: ms, maxSkewMs: z.number().optional() }).optional(),
  workers: z.looseObject({ count, mainBusyPercent: ms, mergeMs: ms }).optional(),
  partial: z.array(z.string()).optional(),
  events: z.array(z.looseObject({ tMs: z.number(), what: z.string(), from: z.number().nullable(), to: z.number().nullable() })).optional(),
});
