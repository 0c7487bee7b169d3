import { ArrivalRateExecutor } from './arrival-rate.js';
import { MaxThroughputExecutor } from './max-throughput.js';

export type { ExecutorContext, RunningExecutor } from './executor.js';
export { ArrivalRateExecutor, MaxThroughputExecutor };
export { IntendedQueue } from './intended-queue.js';
