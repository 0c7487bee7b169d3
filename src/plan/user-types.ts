import { z } from 'zod';
import { compileJsonTemplate, compileTemplate, TemplateError } from './template.js';
import { msField } from './duration.js';

const name = z.string().min(1, 'must not be empty');
/** Weights are Locust's ratios: whole numbers, so a mix reads as "3 of these to 1 of those". */
const weight = z.number().int('must be a positive integer').positive('must be a positive integer');
const waitMs = msField(z.number().min(0));

/** Text with {{placeholders}}, compiled here so a bad placeholder is reported with its path before the run. */
function checkTemplate(compile: () => unknown, ctx: z.RefinementCtx): void {
  try {
    compile();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
}
const template = z.string().superRefine((text, ctx) => checkTemplate(() => compileTemplate(text), ctx));

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name');

/**
 * One HTTP request of a YAML task. `url` is a template resolved against the target's URL, so "/items/{{seq}}"
 * is a path on the target (see src/scenario/template.ts for the placeholders).
 */
export const taskRequestSchema = z
  .strictObject({
    method: z
      .string()
      .regex(/^[A-Z]+$/, 'must be an upper-case HTTP method such as GET or POST')
      .default('GET'),
    url: template.min(1, 'must not be empty'),
    headers: z.array(z.tuple([headerName, template])).default([]),
    body: template.optional(),
    /** Sent as the JSON body, with Content-Type: application/json; string values are templates. */
    json: z
      .unknown()
      .superRefine((value, ctx) => checkTemplate(() => compileJsonTemplate(value), ctx))
      .optional(),
  })
  .refine((request) => request.body === undefined || request.json === undefined, { message: 'give body or json, not both' });

/** What a response must satisfy for the request to count as passed; each failed check is counted by its name. */
export const checksSchema = z.strictObject({
  /** The status, or any of these statuses. */
  status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).optional(),
  /** The body contains this text. */
  bodyContains: z.string().optional(),
  /** The response arrived within this long. */
  maxDurationMs: msField(z.number().positive()).optional(),
});

/** A YAML task: one request, or a task set that picks from its own tasks (Locust's TaskSet). */
export interface TaskInput {
  name: string;
  weight?: number;
  request?: z.input<typeof taskRequestSchema>;
  checks?: z.input<typeof checksSchema>;
  tasks?: TaskInput[];
  iterations?: number;
}

export interface Task {
  name: string;
  weight: number;
  request?: z.output<typeof taskRequestSchema>;
  checks?: z.output<typeof checksSchema>;
  /** A task set: when picked it runs `iterations` picks from these, each followed by the user's wait. */
  tasks?: Task[];
  iterations: number;
}

export const taskSchema: z.ZodType<Task, TaskInput> = z.lazy(() =>
  z
    .strictObject({
      name,
      weight: weight.default(1),
      request: taskRequestSchema.optional(),
      checks: checksSchema.optional(),
      tasks: z.array(taskSchema).min(1, 'a task set needs at least one task').optional(),
      iterations: z.number().int().positive('must be a positive integer').default(1),
    })
    .superRefine((task, ctx) => {
      if ((task.request === undefined) === (task.tasks === undefined)) {
        ctx.addIssue({ code: 'custom', message: `task "${task.name}" needs exactly one of request (a request task) and tasks (a task set)` });
      }
      if (task.checks !== undefined && task.request === undefined) {
        ctx.addIssue({ code: 'custom', path: ['checks'], message: 'checks apply to a request task' });
      }
    }),
);

/** The step run once when a user starts or stops: a list of request tasks, in order. */
const lifecycleSteps = z.array(taskSchema).min(1, 'needs at least one task').optional();

export const userTypeSchema = z
  .strictObject({
    name,
    weight: weight.default(1),
    /** Think time after each task, uniform between the two. */
    minWaitMs: waitMs.default(0),
    maxWaitMs: waitMs.default(0),
    onStart: lifecycleSteps,
    onStop: lifecycleSteps,
    tasks: z.array(taskSchema).min(1, 'a user type needs at least one task'),
  })
  .refine((type) => type.minWaitMs <= type.maxWaitMs, { path: ['maxWaitMs'], message: 'must not be less than minWaitMs' });

export type UserTypeSpec = z.output<typeof userTypeSchema>;

/**
 * Which user types an executor or phase runs, and in what ratio; absent means every type at its own weight.
 * An entry may also set the type's think time while this mix is in force (what `salvo import` writes when a
 * Locust config's waits differ from the scenario's): in a `phases` executor, users wait so during that phase.
 */
export const userMixSchema = z
  .array(
    z.strictObject({ name, weight, minWaitMs: waitMs.optional(), maxWaitMs: waitMs.optional() }).superRefine((entry, ctx) => {
      if ((entry.minWaitMs === undefined) !== (entry.maxWaitMs === undefined)) {
        ctx.addIssue({ code: 'custom', path: [entry.minWaitMs === undefined ? 'minWaitMs' : 'maxWaitMs'], message: 'give minWaitMs and maxWaitMs together' });
      } else if (entry.minWaitMs !== undefined && entry.maxWaitMs! < entry.minWaitMs) {
        ctx.addIssue({ code: 'custom', path: ['maxWaitMs'], message: 'must not be less than minWaitMs' });
      }
    }),
  )
  .min(1, 'needs at least one user type');
export type UserMix = z.output<typeof userMixSchema>;

/** Names given twice, each reported once. */
export function duplicateNames(items: readonly { name: string }[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of items) (seen.has(name) ? repeated : seen).add(name);
  return [...repeated];
}
