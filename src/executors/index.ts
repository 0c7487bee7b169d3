import { connectionsOf } from '../cluster/shard.js';
import { isArrivalExecutor, type Plan } from '../plan/schema.js';
import { ArrivalRateExecutor } from './arrival-rate.js';
import type { ExecutorContext, RunningExecutor } from './executor.js';
import { MaxThroughputExecutor } from './max-throughput.js';
import { ConstantThroughputExecutor } from './constant-throughput.js';

export type { ExecutorContext, ExchangeTap, RunningExecutor } from './executor.js';
export { ArrivalRateExecutor, ConstantThroughputExecutor, MaxThroughputExecutor };
export { IntendedQueue } from './intended-queue.js';

export function createExecutor(plan: Plan, context: ExecutorContext): RunningExecutor {
  // A shard opens its share of the plan's connections (the transport was sized for the whole plan).
  if (plan.shard) context.transport.setMaxConnections(connectionsOf(plan));
  if (isArrivalExecutor(plan.executor)) return new ArrivalRateExecutor(plan.executor, context, plan.maxQueue, plan.shard);
  if (plan.executor.type === 'max-throughput') return new MaxThroughputExecutor(context);
  if (plan.executor.type === 'constant-throughput') return new ConstantThroughputExecutor(plan.executor, context);
  throw new RangeError(`${plan.executor.type} runs virtual users: the runner starts it with its users`);
}
