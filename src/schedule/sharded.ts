import type { Pacer } from './pacer.js';

/**
 * One share of a schedule, k6's execution segments for arrivals: share `share` (0-based) of `count`
 * owns requests share, share + count, share + 2·count, … of the one global schedule `inner`. Every
 * share generates the same global sequence (a seeded Poisson process included) and keeps its own
 * indices, so the union of the shares is exactly the requested schedule; a bucket request keeps its
 * global bucket's deadline, so a late batch is dropped whole in every share.
 */
export class ShardedPacer implements Pacer {
  constructor(
    private readonly inner: Pacer,
    private readonly share: number,
    private readonly count: number,
  ) {
    if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(share) && share >= 0 && share < count)) {
      throw new RangeError(`share ${share} of ${count} is not a share (0 ≤ share < count)`);
    }
  }

  /** The global index of this share's request `index`. */
  globalIndex(index: number): number {
    return this.share + index * this.count;
  }

  dueUs(index: number): number {
    return this.inner.dueUs(this.globalIndex(index));
  }

  deadlineUs(index: number): number {
    return this.inner.deadlineUs(this.globalIndex(index));
  }

  /** This share's requests among the global ones due before `us`: share, share + count, … below that. */
  get countDueBefore(): ((us: number) => number) | undefined {
    const inner = this.inner.countDueBefore?.bind(this.inner);
    return inner && ((us) => Math.max(0, Math.ceil((inner(us) - this.share) / this.count)));
  }
}
