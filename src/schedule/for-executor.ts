import type { ArrivalExecutor } from '../plan/schema.js';
import { BucketPacer } from './bucket.js';
import { ConstantPacer } from './constant.js';
import type { Pacer } from './pacer.js';
import { PoissonPacer } from './poisson.js';

/** The pacer an arrival-rate executor runs at `ratePerSec` (its own rate, or one set mid-run). */
export function pacerFor(executor: ArrivalExecutor, ratePerSec: number): Pacer {
  switch (executor.type) {
    case 'constant-arrival-rate':
      return new ConstantPacer(ratePerSec);
    case 'poisson-arrival-rate':
      return new PoissonPacer(ratePerSec, executor.seed);
    case 'bucket-rate':
      return new BucketPacer(ratePerSec, executor.bucketMs * 1000);
  }
}
