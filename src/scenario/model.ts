import type { UserContext } from './api.js';

/** Something a user does: a task's code, a YAML request, or an onStart/onStop step. */
export type Step = (ctx: UserContext) => unknown;

/** A task as the runtime picks it: a step, or a task set of its own tasks. */
export interface TaskNode {
  name: string;
  weight: number;
  run?: Step;
  tasks?: TaskNode[];
  iterations: number;
}

/** A user type ready to run, whether written in YAML or in TypeScript. */
export interface UserTypeModel {
  name: string;
  weight: number;
  minWaitMs: number;
  maxWaitMs: number;
  onStart?: Step;
  onStop?: Step;
  tasks: TaskNode[];
}
