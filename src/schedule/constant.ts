import type { Pacer } from './pacer.js';

/** Evenly spaced: request i is intended at i / rate, computed from i so no error accumulates. */
export class ConstantPacer implements Pacer {
  constructor(private readonly ratePerSec: number) {}

  dueUs(index: number): number {
    // Not index × (1e6 / rate): a rounded interval times a large index lands a request on the wrong side of a second.
    return (index * 1_000_000) / this.ratePerSec;
  }

  deadlineUs(): number {
    return Infinity;
  }

  countDueBefore(us: number): number {
    return Math.max(0, Math.ceil((us * this.ratePerSec) / 1_000_000));
  }
}
