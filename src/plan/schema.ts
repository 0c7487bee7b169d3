import { z } from 'zod';
import { decodeEscapes, EscapeError } from './escapes.js';
import { parseThreshold, ThresholdSyntaxError, type Threshold } from './threshold.js';
import { builtinOptionsOf, BUILTIN_PREFIX, unknownBuiltin } from './builtin-scenarios.js';
import { msField } from './duration.js';
import { runOptionsSchema } from './run-options.js';
import { executorSchema, holdsThroughput, isVuExecutor, kindOf, mixesOf, targetRatePerSec, VU_EXECUTOR_TYPES, type VuExecutor } from './executors/index.js';
import { durationMs } from './executors/fields.js';
import { duplicateNames, userTypeSchema } from './user-types.js';

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
  } else if (url.protocol === 'tcp:' && ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')) {
    ctx.addIssue({ code: 'custom', message: `tcp:// takes no path or query: what is sent goes in payload ("${value}")` });
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
  tcp: { fields: ['payload', 'payloadFile', 'expectDelimiter', 'expectBytes'], schemes: ['tcp:'] },
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

/** A target's share of the requests relative to the others' (1:3 sends a quarter to the first). */
const targetWeight = z.number().positive().finite();

const targetFields = z
  .strictObject({
    url: targetUrl,
    /** With urls: url's weight among the targets; 1 when not given. */
    weight: targetWeight.optional(),
    /** More targets alike but for the address: each request goes to one of url and these, drawn at random by weight. */
    urls: z
      .array(z.strictObject({ url: targetUrl, weight: targetWeight.optional() }))
      .min(1)
      .optional(),
    method: z
      .string()
      .regex(/^[A-Z]+$/, 'must be an upper-case HTTP method such as GET or POST')
      .default('GET'),
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
    /** tcp: a file whose bytes are written for each request, as they are (binary included). */
    payloadFile: z.string().min(1).optional(),
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
    /** grpc: the request message as JSON, with per-request placeholders {{seq}}, {{uuid}}, {{randomInt MIN MAX}}, ...; {} when not given. */
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
    if (target.weight !== undefined && target.urls === undefined)
      ctx.addIssue({ code: 'custom', path: ['weight'], message: 'weight applies only with urls, to share requests among several targets' });
    target.urls?.forEach((other, index) => {
      if (schemeOf(other.url) !== schemeOf(target.url))
        ctx.addIssue({
          code: 'custom',
          path: ['urls', index, 'url'],
          message: `every target speaks the same protocol: ${other.url} is not ${schemeOf(target.url)}//`,
        });
    });
    if (target.streams !== undefined && schemeOf(target.url) === 'https:' && target.http2 !== true) {
      ctx.addIssue({ code: 'custom', path: ['streams'], message: 'streams apply to HTTP/2: use an h2c:// URL, or http2 with https://' });
    }
    if (schemeOf(target.url) === 'grpc:') {
      if (target.proto === undefined) ctx.addIssue({ code: 'custom', path: ['proto'], message: 'grpc:// needs the .proto file that declares the method' });
      if (target.call === undefined) ctx.addIssue({ code: 'custom', path: ['call'], message: 'grpc:// needs the method to call, "package.Service/Method"' });
    }
    if (schemeOf(target.url) !== 'tcp:') return;
    if (target.payload === undefined && target.payloadFile === undefined)
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'tcp:// needs a payload (or payloadFile) to write for each request' });
    if (target.payload !== undefined && target.payloadFile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['payloadFile'], message: 'give payload or payloadFile, not both' });
    if ((target.expectDelimiter === undefined) === (target.expectBytes === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['expectDelimiter'],
        message: 'tcp:// needs exactly one of expectDelimiter and expectBytes, to know where a reply ends',
      });
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

/** Data files for virtual users: rows of a CSV (with a header line) or a JSON array. */
const dataSetSchema = z.strictObject({
  file: z.string().min(1),
  /** shared: every user sees every row; split: user i of n gets rows i, i+n, ... (k6's SharedArray vs segments). */
  mode: z.enum(['shared', 'split']).default('shared'),
});

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

const planFields = z.strictObject({
  version: z.literal(1).default(1),
  target: targetSchema,
  executor: executorSchema,
  /** Most connections open at once. */
  connections: z.number().int().min(1).max(100_000).default(50),
  timeoutMs: durationMs.default(10_000),
  /** After the duration, how long requests in flight or queued may still finish before the watchdog ends the run. */
  gracefulStopMs: msField(z.number().int().min(0)).default(10_000),
  /**
   * The first part of the run, sent as scheduled but measured apart: the requests due within it are
   * left out of the summary and thresholds and kept in the result's `warmup`.
   */
  warmupMs: msField(z.number().int().min(0)).optional(),
  /** Requests due while every connection is busy wait here, keeping their intended time. */
  maxQueue: z.number().int().min(0).default(100_000),
  /** Pass/fail criteria (SLOs) judged on the result. */
  thresholds: z.array(thresholdSchema).default([]),
  /** Plan files only: how `salvo run` runs the plan (files, progress, probe, start time), each the twin of a flag; stripped before the run. */
  run: runOptionsSchema.optional(),
  /** Virtual users (constant-vus, ramping-vus, phases): the user types written in the plan... */
  userTypes: z.array(userTypeSchema).min(1, 'needs at least one user type').optional(),
  /** ...or a TypeScript scenario file whose user types they run (see `defineScenario`), a relative path being relative to the plan file; or a built-in scenario, "builtin:<name>". */
  scenario: z.string().min(1).optional(),
  /** A built-in scenario's options, checked by its own schema (builtin:servo-fleet: apps, account, token, progressReports, progressIntervalMs). */
  scenarioOptions: z.record(z.string(), z.unknown()).optional(),
  /** Data files for virtual users by name, read once at start (paths as for scenario). */
  data: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a name of letters, digits and _'), dataSetSchema).optional(),
  /** Seed for virtual users' random choices (task picks, think times, random data); recorded so a run can be repeated. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  /** More loads run at the same time as this plan's own executor (which is scenario "main"), by name; results combine, thresholds judge the whole. */
  scenarios: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/, 'must be a name of letters, digits, _ and -')
        .refine((name) => name !== 'main', '"main" is the plan\'s own executor'),
      z.lazy(() => scenarioSchema),
    )
    .optional(),
  /** Set on a shard's run (`--shard 2/8`): index is 1-based; see src/cluster/shard.ts for the split. */
  shard: z
    .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) })
    .refine((shard) => shard.index <= shard.count, { message: 'the shard index must be from 1 to count' })
    .optional(),
});

/** Another load run at the same time as the plan's own, with its own executor; unset fields come from the plan. */
const scenarioSchema = z.strictObject({
  executor: executorSchema,
  target: targetSchema.optional(),
  connections: z.number().int().min(1).max(100_000).optional(),
  timeoutMs: durationMs.optional(),
  maxQueue: z.number().int().min(0).optional(),
});

type PlanOutput = z.output<typeof planFields>;

/** The plan's own load under this name when it runs other scenarios beside it. */
export const MAIN_SCENARIO = 'main';

/**
 * Every load of a plan as a plan of its own: the plan's own executor first (named "main"), then each
 * of its `scenarios`, which take the plan's other fields unless they set them. Thresholds stay with the
 * whole plan: they are judged on the combined result.
 */
export function scenarioPlans<P extends PlanOutput>(plan: P): { name: string; plan: P }[] {
  const { scenarios, ...base } = plan;
  const single = { ...base, thresholds: [] } as unknown as P;
  return [
    { name: MAIN_SCENARIO, plan: single },
    ...Object.entries(scenarios ?? {}).map(([name, scenario]) => ({
      name,
      plan: {
        ...single,
        executor: scenario.executor,
        target: scenario.target ?? base.target,
        connections: scenario.connections ?? base.connections,
        timeoutMs: scenario.timeoutMs ?? base.timeoutMs,
        maxQueue: scenario.maxQueue ?? base.maxQueue,
      } as P,
    })),
  ];
}

/** Whether any load of the plan runs virtual users (the closed model). */
export function runsUsers(plan: PlanOutput): boolean {
  return scenarioPlans(plan).some((load) => isVuExecutor(load.plan.executor));
}

/** How long the plan sends: its longest scenario's duration. */
export function longestDurationMs(plan: PlanOutput): number {
  return Math.max(...scenarioPlans(plan).map((load) => load.plan.executor.durationMs));
}

/** Reports a scenario's problems under its own path (scenarios.<name>.executor...). */
function underPath(ctx: z.RefinementCtx, prefix: PropertyKey[]): z.RefinementCtx {
  return {
    ...ctx,
    addIssue: (issue) => ctx.addIssue(typeof issue === 'string' ? issue : ({ ...issue, path: [...prefix, ...(issue.path ?? [])] } as never)),
  } as z.RefinementCtx;
}

export const planSchema = planFields
  .superRefine((plan, ctx) => {
    // Connections are split over the shards with none lost; a shard left without one could send nothing.
    if (plan.shard && plan.shard.count > plan.connections) {
      ctx.addIssue({
        code: 'custom',
        path: ['shard'],
        message: `${plan.shard.count} shards need at least ${plan.shard.count} connections to share, the plan has ${plan.connections}`,
      });
    }
    // Each shard would hold the whole setpoint: shards of a held throughput do not add up.
    if (plan.shard && holdsThroughput(plan.executor))
      ctx.addIssue({
        code: 'custom',
        path: ['shard'],
        message: `a held throughput (${plan.executor.type}) cannot be sharded: each shard would hold the whole setpoint`,
      });
    if (plan.warmupMs !== undefined && plan.warmupMs >= longestDurationMs(plan)) {
      ctx.addIssue({
        code: 'custom',
        path: ['warmupMs'],
        message: `the warm-up (${plan.warmupMs} ms) must be shorter than the run (${longestDurationMs(plan)} ms), or nothing would be measured`,
      });
    }
    if (plan.shard && plan.scenarios)
      ctx.addIssue({ code: 'custom', path: ['shard'], message: 'a plan with scenarios cannot be sharded yet: shard each scenario as a plan of its own' });
    const loads = scenarioPlans(plan).map((load, index) => ({ ...load, ctx: index === 0 ? ctx : underPath(ctx, ['scenarios', load.name]) }));
    if (!loads.some((load) => isVuExecutor(load.plan.executor))) {
      for (const field of ['userTypes', 'scenario', 'scenarioOptions', 'data'] as const) {
        if (plan[field] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `applies to virtual-user executors (${VU_EXECUTOR_TYPES.join(', ')}), not ${plan.executor.type}`,
          });
      }
    }
    for (const repeated of duplicateNames(plan.userTypes ?? []))
      ctx.addIssue({ code: 'custom', path: ['userTypes'], message: `user type "${repeated}" is defined twice` });
    for (const load of loads) if (isVuExecutor(load.plan.executor)) checkUserTypes(load.plan, load.ctx);
    // "target" in a threshold means the executors' rate, so only the whole plan can tell whether there is one.
    const ramps = loads.some((load) => kindOf(load.plan.executor).targetRateIsMean === true);
    const rateless = loads.find((load) => targetRatePerSec(load.plan.executor) === null);
    plan.thresholds.forEach(({ expression, abortOnFail }, index) => {
      const parsed = parsedThreshold(expression);
      if (typeof parsed === 'string' || parsed.limit.unit !== 'target') return;
      if (rateless) {
        const whose = rateless.name === MAIN_SCENARIO ? '' : ` (scenario ${rateless.name})`;
        ctx.addIssue({
          code: 'custom',
          path: ['thresholds', index, 'expression'],
          message: `threshold "${expression}": "target" needs a target rate, and ${rateless.plan.executor.type}${whose} has none`,
        });
      } else if (ramps && abortOnFail) {
        // A ramp's target is its mean rate: right for the whole run, wrong for any one second of it.
        ctx.addIssue({
          code: 'custom',
          path: ['thresholds', index, 'abortOnFail'],
          message: `threshold "${expression}": a ramp's target rate changes every second, so "target" is judged on the whole run only`,
        });
      }
    });
  })
  // A built-in scenario's options are recorded with their defaults filled, like every other field of the plan.
  .transform((plan) => {
    const builtin = plan.scenario === undefined ? undefined : builtinOptionsOf(plan.scenario);
    const options = builtin?.options.safeParse(plan.scenarioOptions ?? {});
    return options?.success ? { ...plan, scenarioOptions: options.data as Record<string, unknown> } : plan;
  });

/** A built-in scenario's options against its own schema, and the users it is made for against the executor's peak. */
function checkBuiltinScenario(plan: PlanOutput, ctx: z.RefinementCtx): void {
  const builtin = plan.scenario === undefined ? undefined : builtinOptionsOf(plan.scenario);
  if (plan.scenario?.startsWith(BUILTIN_PREFIX) && !builtin) {
    ctx.addIssue({ code: 'custom', path: ['scenario'], message: unknownBuiltin(plan.scenario.slice(BUILTIN_PREFIX.length)) });
    return;
  }
  if (!builtin) {
    if (plan.scenarioOptions !== undefined)
      ctx.addIssue({ code: 'custom', path: ['scenarioOptions'], message: `applies to a built-in scenario (scenario: ${BUILTIN_PREFIX}<name>)` });
    return;
  }
  const options = builtin.options.safeParse(plan.scenarioOptions ?? {});
  if (!options.success) {
    // Passed on whole (an unknown option keeps its code), so they read like the plan's own problems.
    for (const issue of options.error.issues) ctx.addIssue({ ...issue, path: ['scenarioOptions', ...issue.path] } as z.core.$ZodRawIssue);
    return;
  }
  const users = builtin.users(options.data);
  const peak = kindOf(plan.executor).users!.peak(plan.executor);
  if (peak > users)
    ctx.addIssue({
      code: 'custom',
      path: ['executor'],
      message: `${plan.scenario} runs at most ${users} users with these scenarioOptions, and the executor wants ${peak}`,
    });
}

/** Virtual users need user types (from the plan or a scenario file) and every type a mix names must exist. */
function checkUserTypes(plan: PlanOutput, ctx: z.RefinementCtx): void {
  const scheme = schemeOf(plan.target.url);
  if (scheme !== 'http:' && scheme !== 'https:') {
    ctx.addIssue({ code: 'custom', path: ['target', 'url'], message: `virtual users speak HTTP/1.1: use an http:// or https:// target, not ${scheme}//` });
  }
  if (plan.target.http2 === true) ctx.addIssue({ code: 'custom', path: ['target', 'http2'], message: 'virtual users speak HTTP/1.1, not HTTP/2' });
  if (plan.target.urls !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['target', 'urls'],
      message: 'virtual users send to one target (their tasks name the paths): urls applies to the open and flat-out executors',
    });
  if (plan.userTypes !== undefined && plan.scenario !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['scenario'], message: 'give userTypes or a scenario file, not both' });
  }
  checkBuiltinScenario(plan, ctx);
  if (plan.userTypes === undefined && plan.scenario === undefined) {
    ctx.addIssue({ code: 'custom', path: ['userTypes'], message: `${plan.executor.type} runs virtual users: give userTypes, or a TypeScript scenario file` });
  }
  const known = plan.userTypes ? new Set(plan.userTypes.map((type) => type.name)) : undefined;
  for (const { mix, path } of mixesOf(plan.executor as VuExecutor)) {
    for (const repeated of duplicateNames(mix)) ctx.addIssue({ code: 'custom', path, message: `user type "${repeated}" is listed twice` });
    mix.forEach(({ name }, index) => {
      if (known && !known.has(name))
        ctx.addIssue({ code: 'custom', path: [...path, index, 'name'], message: `no user type named "${name}" (known: ${[...known].join(', ')})` });
    });
  }
}

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Target = Plan['target'];

/** The target in one line for people: "GET http://host/path", for raw TCP the URL and what is sent ("tcp://host:9000 PING\n"), for gRPC the URL and the method. */
export function describeTarget(target: Target): string {
  if (target.url.startsWith('tcp:')) return `${target.url} ${target.payload ?? ''}`;
  if (target.url.startsWith('grpc:')) return `${target.url} ${target.call ?? ''}`;
  return `${target.method} ${target.url}`;
}
