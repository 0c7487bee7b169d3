import type { Pacer } from './pacer.js';

/**
 * A pacer started part-way through a run: request `startIndex` of the run is request 0 of `inner`,
 * due at `startUs`. This is how a running load changes its rate without breaking the sequence.
 */
export class RebasedPacer implements Pacer {
  constructor(
    private readonly inner: Pacer,
    private readonly startUs: number,
    private readonly startIndex: number,
  ) {}

  dueUs(index: number): number {
    return this.startUs + this.inner.dueUs(index - this.startIndex);
  }

  deadlineUs(index: number): number {
    return this.startUs + this.inner.deadlineUs(index - this.startIndex);
  }

  get countDueBefore(): ((us: number) => number) | undefined {
    const inner = this.inner.countDueBefore?.bind(this.inner);
    return inner && ((us) => this.startIndex + inner(us - this.startUs));
  }
}
