import { z } from 'zod';

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
});

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Executor = Plan['executor'];
export type ArrivalExecutor = Exclude<Executor, { type: 'max-throughput' }>;
export type Target = Plan['target'];

export function isArrivalExecutor(executor: Executor): executor is ArrivalExecutor {
  return executor.type !== 'max-throughput';
}
