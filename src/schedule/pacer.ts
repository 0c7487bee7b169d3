/**
 * When each request of an open-model load is due, vegeta's Pacer seen from the request's side:
 * given how many requests came before, when is the next one intended. The executor turns that into
 * "how long to wait" against its clock, so a pacer never sleeps and is tested as a pure sequence.
 */
export interface Pacer {
  /**
   * Intended send time of request number `index` (0-based), in µs from the start of the schedule.
   * Called with index 0, 1, 2, … in order; a pacer may keep state between calls.
   */
  dueUs(index: number): number;
  /**
   * The latest start for request `index` before it is discarded as `dropped`, or Infinity when a
   * late request waits its turn instead (only fixed-resolution batches expire).
   */
  deadlineUs(index: number): number;
  /**
   * How many requests are due before `us`: the first index due at or after it. A pacer that can say
   * so without stepping through each lets the executor count a flood of drops at once; one that
   * cannot (a Poisson draw) leaves it out and is stepped through, a bounded number per turn.
   */
  countDueBefore?(us: number): number;
}
