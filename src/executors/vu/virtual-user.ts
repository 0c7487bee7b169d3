import type { Breakdown } from '../../metrics/breakdown.js';
import type { Step, TaskNode, UserTypeModel } from '../../scenario/model.js';
import type { VirtualUserContext } from '../../scenario/user-context.js';
import { WeightedPicker } from '../../scenario/weighted.js';
import type { ThinkTime } from './population.js';

/** A task set with the picker that chooses among its tasks, built once per user type. */
interface PickableTasks {
  picker: WeightedPicker<TaskNode>;
  children: Map<TaskNode, PickableTasks>;
}

function pickable(tasks: readonly TaskNode[], random: () => number): PickableTasks {
  const children = new Map<TaskNode, PickableTasks>();
  for (const task of tasks) if (task.tasks) children.set(task, pickable(task.tasks, random));
  return { picker: new WeightedPicker(tasks, (task) => task.weight, random), children };
}

/**
 * One virtual user, Locust's loop: onStart, then pick a task by weight, run it, wait the think time,
 * until told to stop; then onStop. A task that throws is counted by its message and the user goes on.
 */
export class VirtualUser {
  readonly done: Promise<void>;
  private readonly tasks: PickableTasks;

  constructor(
    readonly type: UserTypeModel,
    readonly context: VirtualUserContext,
    private readonly breakdown: Breakdown,
    private readonly random: () => number,
    private readonly yieldTurn: () => Promise<void>,
    /** The think time now: the type's own, unless the current phase's mix overrides it. */
    private readonly thinkTime: () => ThinkTime,
  ) {
    this.tasks = pickable(type.tasks, random);
    this.done = this.run();
  }

  stop(): void {
    this.context.requestStop();
  }

  private async run(): Promise<void> {
    if (this.type.onStart) await this.step(this.type.onStart, 'onStart');
    while (!this.context.stopping) {
      await this.runOne(this.tasks);
      if (!this.context.stopping) await this.think();
    }
    if (this.type.onStop && !this.context.abandoned) await this.step(this.type.onStop, 'onStop');
  }

  private async runOne(tasks: PickableTasks): Promise<void> {
    const task = tasks.picker.pick();
    if (task.run) {
      await this.step(task.run, task.name);
      return;
    }
    const inner = tasks.children.get(task)!;
    for (let iteration = 0; iteration < task.iterations && !this.context.stopping; iteration++) {
      if (iteration > 0) await this.think();
      if (!this.context.stopping) await this.runOne(inner);
    }
  }

  private async step(step: Step, name: string): Promise<void> {
    this.context.taskName = name;
    try {
      await step(this.context);
    } catch (error) {
      this.breakdown.exception(`${this.type.name}/${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private think(): Promise<void> {
    const { minWaitMs, maxWaitMs } = this.thinkTime();
    const waitMs = minWaitMs + this.random() * (maxWaitMs - minWaitMs);
    // Without a wait, a task that never touches the network would loop on microtasks and starve every timer.
    return waitMs > 0 ? this.context.sleep(waitMs) : this.yieldTurn();
  }
}
