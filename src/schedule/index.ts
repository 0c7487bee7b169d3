export type { Pacer } from './pacer.js';
export { ConstantPacer } from './constant.js';
export { PoissonPacer } from './poisson.js';
export { BucketPacer } from './bucket.js';
export { RampingPacer, type RampStage } from './ramping.js';
export { RebasedPacer } from './rebased.js';
export { ShardedPacer } from './sharded.js';
export { seededRandom, freshSeed } from './random.js';
