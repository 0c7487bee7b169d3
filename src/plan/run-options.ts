import { z } from 'zod';
import { msField } from './duration.js';
import { ListenAddressError, parseListenAddress } from './listen-address.js';

const path = z.string().min(1);

/** Which of V8's compilers the generator may use: src/runner/jit.ts says what each means. */
export const JIT_MODES = ['auto', 'steady', 'peak'] as const;
export type JitMode = (typeof JIT_MODES)[number];

/** Threads beyond the cores only contend for them; this bound catches a typo before it starts hundreds. */
export const MAX_WORKERS = 256;

/**
 * The `run` section of a plan file: how `salvo run` runs the plan, each field the twin of a flag
 * (which overrides it). It is not part of the load: results record the plan without it, so shards
 * writing different files still merge. Paths are relative to the working directory, as flags' are.
 */
export const runOptionsSchema = z.strictObject({
  /** --out: the result JSON. */
  out: path.optional(),
  /** --html, --csv, --hlog: reports written at the end. */
  html: path.optional(),
  csv: path.optional(),
  hlog: path.optional(),
  /** --ndjson, --ndjson-sample: one line per finished request, optionally a seeded sample. */
  ndjson: path.optional(),
  ndjsonSample: z.number().gt(0).max(1).optional(),
  /** --progress: how often a progress line is printed when stdout is not a terminal. */
  progressMs: msField(z.number().positive()).optional(),
  /** --quiet: print nothing but errors. */
  quiet: z.boolean().optional(),
  /** --no-probe is `probe: false`: skip the connection check before the run. */
  probe: z.boolean().optional(),
  /** --start-at: an ISO time with a zone (2026-11-23T08:00:00Z), checked when the run starts. */
  startAt: z.string().optional(),
  /** --workers: worker threads sharing the load, or 'auto' for one per available core. */
  workers: z
    .union([z.number().int().min(1).max(MAX_WORKERS), z.literal('auto')], { error: `must be a whole number from 1 to ${MAX_WORKERS}, or "auto"` })
    .optional(),
  /** --jit: which of V8's compilers the generator may use (src/runner/jit.ts). */
  jit: z.enum(JIT_MODES).optional(),
  /** --metrics: true for the default address, or "host:port" (checked when the run starts). */
  metrics: z.union([z.boolean(), z.string().min(1)]).optional(),
  /** --metrics-linger: how long the endpoint waits after the run for a last scrape. */
  metricsLingerMs: msField(z.number().nonnegative()).optional(),
  /** --dashboard: serve the live dashboard, at host:port or (true) at 127.0.0.1:5665. */
  dashboard: z
    .union([
      z.boolean(),
      z.string().superRefine((text, ctx) => {
        try {
          parseListenAddress(text);
        } catch (error) {
          if (!(error instanceof ListenAddressError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message });
        }
      }),
    ])
    .optional(),
});

export type RunOptions = z.output<typeof runOptionsSchema>;
