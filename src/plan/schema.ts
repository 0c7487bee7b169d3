import { z } from 'zod';
import { parseThreshold, ThresholdSyntaxError, type Threshold } from '../thresholds/parse.js';

const positiveNumber = z.number().positive();
const durationMs = z.number().int().positive();

const supportedProtocols = new Set(['http:']);
const targetUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a valid URL: "${value}"` });
    return;
  }
  if (!supportedProtocols.has(url.protocol)) {
    ctx.addIssue({ code: 'custom', message: `unsupported scheme "${url.protocol}" (supported: http://)` });
  }
});

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name');
// The same rule as node:http: tab, visible ASCII and latin1; never CR, LF, NUL or characters beyond latin1.
const headerValue = z.string().refine((value) => !/[^\t\x20-\x7e\x80-\xff]/.test(value), 'must hold only tab, visible ASCII or latin1 characters');

export const targetSchema = z
  .object({
    url: targetUrl,
    method: z.string().regex(/^[A-Z]+$/, 'must be an upper-case HTTP method such as GET or POST').default('GET'),
    headers: z.array(z.tuple([headerName, headerValue])).default([]),
    body: z.string().optional(),
    bodyFile: z.string().min(1).optional(),
  })
  .refine((target) => target.body === undefined || target.bodyFile === undefined, {
    message: 'give body or bodyFile, not both',
  });

const arrivalBase = { ratePerSec: positiveNumber, durationMs };

/** Executors carry k6's names so users recognize them; each says how load arrives. */
export const executorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('constant-arrival-rate'), ...arrivalBase }),
  z.object({ type: z.literal('poisson-arrival-rate'), ...arrivalBase, seed: z.number().int().min(0).max(0xffffffff) }),
  z.object({ type: z.literal('bucket-rate'), ...arrivalBase, bucketMs: positiveNumber.default(100) }),
  z.object({ type: z.literal('max-throughput'), durationMs, pipelining: z.number().int().min(1).max(1024).default(1) }),
]);

/** The parsed threshold, or its one-line problem. */
function parsedThreshold(expression: string): Threshold | string {
  try {
    return parseThreshold(expression);
  } catch (error) {
    if (error instanceof ThresholdSyntaxError) return error.message;
    throw error;
  }
}

const thresholdSchema = z.object({
  /** k6-style: "p99<250ms", "errors<1%", "rate>=0.99*target" (grammar in src/thresholds/parse.ts). */
  expression: z.string().superRefine((expression, ctx) => {
    const parsed = parsedThreshold(expression);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  }),
  /** Also judged on each closed second; the first failing second ends the run. */
  abortOnFail: z.boolean().default(false),
});

export const planSchema = z.object({
  version: z.literal(1).default(1),
  target: targetSchema,
  executor: executorSchema,
  /** Most connections open at once. */
  connections: z.number().int().min(1).max(100_000).default(50),
  timeoutMs: durationMs.default(10_000),
  /** After the duration, how long requests in flight or queued may still finish before the watchdog ends the run. */
  gracefulStopMs: z.number().int().min(0).default(10_000),
  /** Requests due while every connection is busy wait here, keeping their intended time. */
  maxQueue: z.number().int().min(0).default(100_000),
  /** Pass/fail criteria (SLOs) judged on the result. */
  thresholds: z.array(thresholdSchema).default([]),
}).superRefine((plan, ctx) => {
  // "target" in a threshold means the executor's rate, so only the whole plan can tell whether there is one.
  if (isArrivalExecutor(plan.executor)) return;
  plan.thresholds.forEach(({ expression }, index) => {
    const parsed = parsedThreshold(expression);
    if (typeof parsed !== 'string' && parsed.limit.unit === 'target') {
      ctx.addIssue({ code: 'custom', path: ['thresholds', index, 'expression'], message: `threshold "${expression}": "target" needs a target rate, and max throughput has none` });
    }
  });
});

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Executor = Plan['executor'];
export type ArrivalExecutor = Exclude<Executor, { type: 'max-throughput' }>;
export type Target = Plan['target'];

export function isArrivalExecutor(executor: Executor): executor is ArrivalExecutor {
  return executor.type !== 'max-throughput';
}
