import type { ArrivalExecutor } from '../plan/schema.js';
import { BucketPacer } from './bucket.js';
import { ConstantPacer } from './constant.js';
import type { Pacer } from './pacer.js';
import { PoissonPacer } from './poisson.js';
import { RampingPacer } from './ramping.js';
import { ShardedPacer } from './sharded.js';

/**
 * The pacer an arrival-rate executor runs at `ratePerSec`: undefined for its own schedule, or a rate
 * set mid-run (which replaces a ramp with a constant rate: whoever sets it has taken over).
 * `stream` tells apart the pacers of one run, so a Poisson schedule rebased at a new rate draws
 * new gaps instead of replaying the seed's first ones. With `shard` (1-based index), only that share
 * of the schedule.
 */
export function pacerFor(executor: ArrivalExecutor, ratePerSec: number | undefined, stream = 0, shard?: { index: number; count: number }): Pacer {
  // A shard keeps its share of the one global schedule, so `ratePerSec` is always the whole plan's rate.
  const global = globalPacerFor(executor, ratePerSec, stream);
  return shard && shard.count > 1 ? new ShardedPacer(global, shard.index - 1, shard.count) : global;
}

function globalPacerFor(executor: ArrivalExecutor, setRatePerSec: number | undefined, stream: number): Pacer {
  if (executor.type === 'ramping-arrival-rate') {
    return setRatePerSec === undefined ? new RampingPacer(executor.startRatePerSec, executor.stages) : new ConstantPacer(setRatePerSec);
  }
  const ratePerSec = setRatePerSec ?? executor.ratePerSec;
  switch (executor.type) {
    case 'constant-arrival-rate':
      return new ConstantPacer(ratePerSec);
    case 'poisson-arrival-rate':
      return new PoissonPacer(ratePerSec, (executor.seed ^ Math.imul(stream, 0x9e3779b1)) >>> 0);
    case 'bucket-rate':
      return new BucketPacer(ratePerSec, executor.bucketMs * 1000, executor.durationMs * 1000);
  }
}
