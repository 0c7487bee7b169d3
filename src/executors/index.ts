import type { Plan } from '../plan/schema.js';
import { ArrivalRateExecutor } from './arrival-rate.js';
import type { ExecutorContext, RunningExecutor } from './executor.js';
import { MaxThroughputExecutor } from './max-throughput.js';

export type { ExecutorContext, RunningExecutor } from './executor.js';
export { ArrivalRateExecutor, MaxThroughputExecutor };
export { IntendedQueue } from './intended-queue.js';

export function createExecutor(plan: Plan, context: ExecutorContext): RunningExecutor {
  return plan.executor.type === 'max-throughput'
    ? new MaxThroughputExecutor(context)
    : new ArrivalRateExecutor(plan.executor, context, plan.maxQueue);
}
