import type { Task, UserTypeSpec } from '../plan/user-types.js';
import type { Response, UserContext } from './api.js';
import type { Step, TaskNode, UserTypeModel } from './model.js';
import { compileJsonTemplate, compileTemplate, type TemplateScope } from '../plan/template.js';

/** The scope a template renders in for this user; `seq` counts renders of one template across users. */
function scopeOf(ctx: UserContext, seq: number): TemplateScope {
  // Rows are read only by the placeholders that name them: a user without a row of some set can still send the rest.
  const data: Record<string, Record<string, unknown>> = {};
  for (const set of Object.keys(ctx.data)) Object.defineProperty(data, set, { get: () => ctx.row(set), enumerable: true });
  return { user: ctx.user, vars: ctx.vars, data, seq, random: ctx.random.float };
}

function checksOf(task: Task): Record<string, (response: Response) => boolean> | undefined {
  const { checks } = task;
  if (!checks) return undefined;
  const named: Record<string, (response: Response) => boolean> = {};
  if (checks.status !== undefined) {
    const wanted = Array.isArray(checks.status) ? checks.status : [checks.status];
    named[`${task.name}: status ${wanted.join(' or ')}`] = (response) => wanted.includes(response.status);
  }
  if (checks.bodyContains !== undefined) {
    const needle = checks.bodyContains;
    named[`${task.name}: body contains ${JSON.stringify(needle)}`] = (response) => response.body.includes(needle);
  }
  if (checks.maxDurationMs !== undefined) {
    const limit = checks.maxDurationMs;
    named[`${task.name}: within ${limit} ms`] = (response) => response.error === undefined && response.durationMs <= limit;
  }
  return named;
}

/** A request task as a step: templates compiled once, rendered per request. */
function requestStep(task: Task): Step {
  const request = task.request!;
  const url = compileTemplate(request.url);
  const headers = request.headers.map(([name, value]) => [name, compileTemplate(value)] as const);
  const body = request.body !== undefined ? compileTemplate(request.body) : undefined;
  const json = request.json !== undefined ? compileJsonTemplate(request.json) : undefined;
  const checks = checksOf(task);
  let seq = 0;
  return async (ctx) => {
    const scope = scopeOf(ctx, ++seq);
    const response = await ctx.http.request(request.method, url.render(scope), {
      headers: Object.fromEntries(headers.map(([name, value]) => [name, value.render(scope)])),
      ...(body ? { body: body.render(scope) } : {}),
      ...(json ? { json: json(scope) } : {}),
      name: task.name,
    });
    if (checks) ctx.check(response, checks);
  };
}

function taskNode(task: Task): TaskNode {
  return {
    name: task.name,
    weight: task.weight,
    iterations: task.iterations,
    ...(task.tasks ? { tasks: task.tasks.map(taskNode) } : { run: requestStep(task) }),
  };
}

/** onStart / onStop: their tasks in order (a task set among them runs its own tasks in order too). */
function sequenceStep(tasks: readonly Task[]): Step {
  const steps = tasks.map((task) => (task.tasks ? sequenceStep(task.tasks) : requestStep(task)));
  return async (ctx) => {
    for (const step of steps) await step(ctx);
  };
}

/** A user type written in a plan file, compiled to run (templates are checked here, so a bad one fails before the run). */
export function userTypeFromSpec(spec: UserTypeSpec): UserTypeModel {
  return {
    name: spec.name,
    weight: spec.weight,
    minWaitMs: spec.minWaitMs,
    maxWaitMs: spec.maxWaitMs,
    ...(spec.onStart ? { onStart: sequenceStep(spec.onStart) } : {}),
    ...(spec.onStop ? { onStop: sequenceStep(spec.onStop) } : {}),
    tasks: spec.tasks.map(taskNode),
  };
}
