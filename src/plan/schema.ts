import { z } from 'zod';
import { decodeEscapes, EscapeError } from '../protocols/tcp/escapes.js';
import { parseThreshold, ThresholdSyntaxError, type Threshold } from '../thresholds/parse.js';
import { msField } from './duration.js';
import { runOptionsSchema } from './run-options.js';

const positiveNumber = z.number().positive();
const durationMs = msField(z.number().int().positive());

const supportedProtocols = new Set(['http:', 'https:', 'h2c:', 'tcp:', 'grpc:']);
const targetUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a valid URL: "${value}"` });
    return;
  }
  if (!supportedProtocols.has(url.protocol)) {
    ctx.addIssue({ code: 'custom', message: `unsupported scheme "${url.protocol}" (supported: http://, https://, h2c://, tcp://, grpc://)` });
  } else if ((url.protocol === 'tcp:' || url.protocol === 'grpc:') && url.port === '') {
    ctx.addIssue({ code: 'custom', message: `${url.protocol}// needs a port: "${value}"` });
  } else if (url.protocol === 'grpc:' && url.pathname !== '' && url.pathname !== '/') {
    ctx.addIssue({ code: 'custom', message: `grpc:// takes no path: the method goes in call ("${value}")` });
  }
});

/** The URL's scheme ("http:"), or undefined when it is not a URL (the url field reports that). */
function schemeOf(url: unknown): string | undefined {
  try {
    return new URL(String(url)).protocol;
  } catch {
    return undefined;
  }
}

/** Target fields that only some schemes take; given for another scheme they are mistakes, not ignored. */
const FIELDS_OF_SCHEME: Record<string, { fields: readonly string[]; schemes: readonly string[] }> = {
  http: { fields: ['method', 'headers', 'body', 'bodyFile'], schemes: ['http:', 'https:', 'h2c:'] },
  tls: { fields: ['insecure', 'caFile', 'http2'], schemes: ['https:'] },
  http2: { fields: ['streams'], schemes: ['https:', 'h2c:', 'grpc:'] },
  tcp: { fields: ['payload', 'expectDelimiter', 'expectBytes'], schemes: ['tcp:'] },
  grpc: { fields: ['proto', 'call', 'data', 'metadata', 'deadlineMs'], schemes: ['grpc:'] },
};

/** "http://, https:// and h2c://". */
function listOfSchemes(schemes: readonly string[]): string {
  const names = schemes.map((scheme) => `${scheme}//`);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** Escaped text (`\n`, `\xHH`, ...) that must decode to at least one byte. */
const escapedBytes = z.string().superRefine((text, ctx) => {
  try {
    if (decodeEscapes(text).length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
  } catch (error) {
    if (!(error instanceof EscapeError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name');
// The same rule as node:http: tab, visible ASCII and latin1; never CR, LF, NUL or characters beyond latin1.
const headerValue = z.string().refine((value) => !/[^\t\x20-\x7e\x80-\xff]/.test(value), 'must hold only tab, visible ASCII or latin1 characters');

// gRPC metadata names are lower-case HTTP/2 header names (upper case is lowered when sent); grpc- names are gRPC's own.
const metadataName = z
  .string()
  .regex(/^[0-9A-Za-z_.-]+$/, 'must be a gRPC metadata name (letters, digits, _ . -)')
  .refine((name) => !name.toLowerCase().startsWith('grpc-'), 'grpc- names are reserved by gRPC');
const metadataValue = z.string().regex(/^[\x20-\x7e]*$/, 'must hold only visible ASCII and spaces (binary -bin values in base64)');

const targetFields = z
  .strictObject({
    url: targetUrl,
    method: z.string().regex(/^[A-Z]+$/, 'must be an upper-case HTTP method such as GET or POST').default('GET'),
    headers: z.array(z.tuple([headerName, headerValue])).default([]),
    body: z.string().optional(),
    bodyFile: z.string().min(1).optional(),
    /** https: accept any certificate (self-signed ones included). */
    insecure: z.boolean().optional(),
    /** https: a PEM file of CA certificates to trust instead of node's bundled roots. */
    caFile: z.string().min(1).optional(),
    /** https: HTTP/2 negotiated by ALPN instead of HTTP/1.1 (h2c:// is HTTP/2 in cleartext, with prior knowledge). */
    http2: z.boolean().optional(),
    /** HTTP/2 and gRPC: most concurrent streams per connection (the server's SETTINGS_MAX_CONCURRENT_STREAMS may lower it). */
    streams: z.number().int().min(1).max(10_000).optional(),
    /** tcp: the bytes written for each request, with escapes (\n \r \t \0 \\ \xHH). */
    payload: escapedBytes.optional(),
    /** tcp: a reply ends with these bytes (escapes as in payload)... */
    expectDelimiter: escapedBytes.optional(),
    /** tcp: ...or is this many bytes long. */
    expectBytes: z.number().int().min(1).optional(),
    /** grpc: the .proto file that declares the method. */
    proto: z.string().min(1).optional(),
    /** grpc: the unary method to call, "package.Service/Method". */
    call: z
      .string()
      .regex(/^[A-Za-z_][\w.]*\/[A-Za-z_]\w*$/, 'must be "package.Service/Method"')
      .optional(),
    /** grpc: the request message as JSON, with per-request slots {{seq}}, {{uuid}}, {{randInt MIN MAX}}; {} when not given. */
    data: z.string().optional(),
    /** grpc: custom metadata sent with every call. */
    metadata: z.array(z.tuple([metadataName, metadataValue])).optional(),
    /** grpc: the call's deadline, sent as grpc-timeout; a call unanswered by then counts as grpc_DEADLINE_EXCEEDED. */
    deadlineMs: msField(z.number().int().positive().max(99_999_999)).optional(),
  })
  .refine((target) => target.body === undefined || target.bodyFile === undefined, {
    message: 'give body or bodyFile, not both',
  })
  .superRefine((target, ctx) => {
    if (target.streams !== undefined && schemeOf(target.url) === 'https:' && target.http2 !== true) {
      ctx.addIssue({ code: 'custom', path: ['streams'], message: 'streams apply to HTTP/2: use an h2c:// URL, or http2 with https://' });
    }
    if (schemeOf(target.url) === 'grpc:') {
      if (target.proto === undefined) ctx.addIssue({ code: 'custom', path: ['proto'], message: 'grpc:// needs the .proto file that declares the method' });
      if (target.call === undefined) ctx.addIssue({ code: 'custom', path: ['call'], message: 'grpc:// needs the method to call, "package.Service/Method"' });
    }
    if (schemeOf(target.url) !== 'tcp:') return;
    if (target.payload === undefined) ctx.addIssue({ code: 'custom', path: ['payload'], message: 'tcp:// needs a payload to write for each request' });
    if ((target.expectDelimiter === undefined) === (target.expectBytes === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['expectDelimiter'], message: 'tcp:// needs exactly one of expectDelimiter and expectBytes, to know where a reply ends' });
    }
  });

// Checked on the input: method and headers have defaults, so only the input tells whether they were given.
export const targetSchema = z.preprocess((input, ctx) => {
  if (typeof input !== 'object' || input === null) return input;
  const scheme = schemeOf((input as { url?: unknown }).url);
  if (scheme === undefined || !supportedProtocols.has(scheme)) return input;
  for (const { fields, schemes } of Object.values(FIELDS_OF_SCHEME)) {
    if (schemes.includes(scheme)) continue;
    for (const field of fields) {
      if ((input as Record<string, unknown>)[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `applies only to ${listOfSchemes(schemes)} targets, not ${scheme}//` });
      }
    }
  }
  return input;
}, targetFields);

const arrivalBase = { ratePerSec: positiveNumber, durationMs };

/**
 * k6's shape: the rate moves linearly from startRatePerSec to each stage's target over the stage.
 * Its durationMs is not given but derived (the sum of the stages), so every executor has one.
 */
const rampingExecutor = z
  .strictObject({
    type: z.literal('ramping-arrival-rate'),
    startRatePerSec: z.number().min(0).default(0),
    stages: z.array(z.strictObject({ targetRatePerSec: z.number().min(0), durationMs })).min(1, 'needs at least one stage'),
  })
  .superRefine((ramp, ctx) => {
    if (ramp.stages.length > 0 && ramp.startRatePerSec === 0 && ramp.stages.every((stage) => stage.targetRatePerSec === 0)) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'every rate is 0, so the ramp would send nothing' });
    }
  })
  .transform((ramp) => ({ ...ramp, durationMs: ramp.stages.reduce((sum, stage) => sum + stage.durationMs, 0) }));

/** Executors carry k6's names so users recognize them; each says how load arrives. */
export const executorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant-arrival-rate'), ...arrivalBase }),
  z.strictObject({ type: z.literal('poisson-arrival-rate'), ...arrivalBase, seed: z.number().int().min(0).max(0xffffffff) }),
  z.strictObject({ type: z.literal('bucket-rate'), ...arrivalBase, bucketMs: msField(positiveNumber).default(100) }),
  rampingExecutor,
  z.strictObject({ type: z.literal('max-throughput'), durationMs, pipelining: z.number().int().min(1).max(1024).default(1) }),
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

const thresholdSchema = z.strictObject({
  /** k6-style: "p99<250ms", "errors<1%", "rate>=0.99*target" (grammar in src/thresholds/parse.ts). */
  expression: z.string().superRefine((expression, ctx) => {
    const parsed = parsedThreshold(expression);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  }),
  /** Also judged on each closed second; the first failing second ends the run. */
  abortOnFail: z.boolean().default(false),
});

export const planSchema = z.strictObject({
  version: z.literal(1).default(1),
  target: targetSchema,
  executor: executorSchema,
  /** Most connections open at once. */
  connections: z.number().int().min(1).max(100_000).default(50),
  timeoutMs: durationMs.default(10_000),
  /** After the duration, how long requests in flight or queued may still finish before the watchdog ends the run. */
  gracefulStopMs: msField(z.number().int().min(0)).default(10_000),
  /** Requests due while every connection is busy wait here, keeping their intended time. */
  maxQueue: z.number().int().min(0).default(100_000),
  /** Pass/fail criteria (SLOs) judged on the result. */
  thresholds: z.array(thresholdSchema).default([]),
  /** Plan files only: how `salvo run` runs the plan (files, progress, probe, start time), each the twin of a flag; stripped before the run. */
  run: runOptionsSchema.optional(),
  /** Set on a shard's run (`--shard 2/8`): index is 1-based; see src/cluster/shard.ts for the split. */
  shard: z
    .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) })
    .refine((shard) => shard.index <= shard.count, { message: 'the shard index must be from 1 to count' })
    .optional(),
}).superRefine((plan, ctx) => {
  // Connections are split over the shards with none lost; a shard left without one could send nothing.
  if (plan.shard && plan.shard.count > plan.connections) {
    ctx.addIssue({ code: 'custom', path: ['shard'], message: `${plan.shard.count} shards need at least ${plan.shard.count} connections to share, the plan has ${plan.connections}` });
  }
  // "target" in a threshold means the executor's rate, so only the whole plan can tell whether there is one.
  if (plan.executor.type === 'ramping-arrival-rate') {
    // A ramp's target is its mean rate: right for the whole run, wrong for any one second of it.
    plan.thresholds.forEach(({ expression, abortOnFail }, index) => {
      const parsed = parsedThreshold(expression);
      if (abortOnFail && typeof parsed !== 'string' && parsed.limit.unit === 'target') {
        ctx.addIssue({ code: 'custom', path: ['thresholds', index, 'abortOnFail'], message: `threshold "${expression}": a ramp's target rate changes every second, so "target" is judged on the whole run only` });
      }
    });
  }
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
export type RampingExecutor = Extract<Executor, { type: 'ramping-arrival-rate' }>;
export type Target = Plan['target'];

export function isArrivalExecutor(executor: Executor): executor is ArrivalExecutor {
  return executor.type !== 'max-throughput';
}

/** The target in one line for people: "GET http://host/path", for raw TCP the URL and what is sent ("tcp://host:9000 PING\n"), for gRPC the URL and the method. */
export function describeTarget(target: Target): string {
  if (target.url.startsWith('tcp:')) return `${target.url} ${target.payload ?? ''}`;
  if (target.url.startsWith('grpc:')) return `${target.url} ${target.call ?? ''}`;
  return `${target.method} ${target.url}`;
}
