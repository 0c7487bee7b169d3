import type { Pacer } from './pacer.js';

/** Evenly spaced: request i is intended at i / rate, computed from i so no error accumulates. */
export class ConstantPacer implements Pacer {
  private readonly intervalUs: number;

  constructor(ratePerSec: number) {
    this.intervalUs = 1_000_000 / ratePerSec;
  }

  dueUs(index: number): number {
    return index * this.intervalUs;
  }

  deadlineUs(): number {
    return Infinity;
  }
}
