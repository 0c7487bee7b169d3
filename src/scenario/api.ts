import type { HttpReply } from '../protocols/http1/user-connections.js';
import type { PlanInput } from '../plan/schema.js';

export type { HttpReply };

export type FormValue = string | number | boolean;

/** Options of one request made by a virtual user. */
export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent as the body, serialized, with Content-Type: application/json. */
  json?: unknown;
  /** Sent as the body, URL-encoded, with Content-Type: application/x-www-form-urlencoded (Locust's `post(url, dict)`); a list repeats its key. */
  form?: Record<string, FormValue | readonly FormValue[]>;
  /** The name the request is counted under (Locust's `name=`); the current task's name by default. */
  name?: string;
}

/** A response with helpers for checks; it never throws for a status, and `error` says why there is none. */
export interface Response extends HttpReply {
  text(): string;
  json<T = unknown>(): T;
}

/** The HTTP client of a virtual user: one keep-alive connection to the plan's target, URLs relative to it. */
export interface HttpClient {
  request(method: string, url: string, options?: RequestOptions): Promise<Response>;
  get(url: string, options?: RequestOptions): Promise<Response>;
  head(url: string, options?: RequestOptions): Promise<Response>;
  delete(url: string, options?: RequestOptions): Promise<Response>;
  post(url: string, options?: RequestOptions): Promise<Response>;
  put(url: string, options?: RequestOptions): Promise<Response>;
  patch(url: string, options?: RequestOptions): Promise<Response>;
}

/** Random values from the run's seed, so a seeded run repeats its choices. */
export interface RandomHelpers {
  /** A uniform number in [0, 1). */
  float(): number;
  /** A whole number from min to max, both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Letters and digits. */
  string(length: number): string;
  uuid(): string;
}

/** What a task sees: its user, the HTTP client, checks, think time, state and data. */
export interface UserContext {
  /** 1-based in spawn order, and the user type's name. */
  readonly user: { readonly id: number; readonly type: string };
  readonly http: HttpClient;
  /** Runs each named predicate on `value`, counts it as passed or failed, and says whether all passed. */
  check<T>(value: T, checks: Record<string, (value: T) => boolean>): boolean;
  /** Adds `by` (1 by default) to a named counter of the run, shown in the summary: for what is neither a request nor a check. */
  count(name: string, by?: number): void;
  /** Waits this long on the run's clock; returns early when the user is told to stop. */
  sleep(ms: number): Promise<void>;
  /** Per-user state, kept from onStart through every task to onStop. */
  readonly vars: Record<string, unknown>;
  /** The plan's data sets: all rows (shared) or this user's share of them (split). */
  readonly data: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** This user's row of a data set: its share's first row, so split data gives each user its own. */
  row(set: string): Record<string, unknown>;
  readonly random: RandomHelpers;
  /** True once the user is told to stop (end of run, or its type is no longer wanted): long tasks may end early. */
  readonly stopping: boolean;
}

export type TaskFunction = (ctx: UserContext) => unknown;

export interface TaskDefinition {
  weight?: number;
  run: TaskFunction;
}

/** Locust's TaskSet: when picked, it runs `iterations` picks of its own tasks (default 1), each followed by the user's wait. */
export interface TaskSetDefinition {
  weight?: number;
  iterations?: number;
  tasks: Record<string, TaskEntry>;
}

export type TaskEntry = TaskFunction | TaskDefinition | TaskSetDefinition;

export interface UserTypeDefinition {
  /** Share of the users (a ratio, like Locust's weight); 1 by default. */
  weight?: number;
  /** Think time after each task, uniform between the two; 0 by default. */
  minWaitMs?: number;
  maxWaitMs?: number;
  onStart?: TaskFunction;
  onStop?: TaskFunction;
  tasks: Record<string, TaskEntry>;
}

/** The plan a scenario file runs with when `salvo run scenario.ts` is given no plan: anything but its user types. */
export type ScenarioPlan = Omit<PlanInput, 'userTypes' | 'scenario'>;

export interface ScenarioDefinition {
  userTypes: Record<string, UserTypeDefinition>;
  plan?: ScenarioPlan;
}

/** Declares a scenario file's user types (and optionally its plan) with types checked by the editor. */
export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  return definition;
}
