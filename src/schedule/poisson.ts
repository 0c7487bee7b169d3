import type { Pacer } from './pacer.js';
import { seededRandom } from './random.js';

/** A Poisson process: exponential gaps with mean 1 / rate, reproducible from its seed. */
export class PoissonPacer implements Pacer {
  private readonly meanGapUs: number;
  private readonly random: () => number;
  private nextIndex = 0;
  private nextDue = 0;

  constructor(ratePerSec: number, seed: number) {
    this.meanGapUs = 1_000_000 / ratePerSec;
    this.random = seededRandom(seed);
  }

  dueUs(index: number): number {
    if (index < this.nextIndex - 1) throw new RangeError(`poisson pacer asked for request ${index} after ${this.nextIndex - 1}`);
    while (this.nextIndex <= index) {
      // The first arrival also waits one gap, as a Poisson process started at 0 does.
      this.nextDue += -Math.log(1 - this.random()) * this.meanGapUs;
      this.nextIndex++;
    }
    return this.nextDue;
  }

  deadlineUs(): number {
    return Infinity;
  }
}
