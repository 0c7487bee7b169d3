/** One rate tried by the capacity search, judged after its own warm-up. */
export interface CapacityStep {
  ratePerSec: number;
  /** Completed requests per second in the measured window. */
  achievedPerSec: number;
  passed: boolean;
  /** Why it failed, or what it passed on. */
  reason: string;
  p99Ms: number;
  errorsPercent: number;
  /** The generator, not the target, was the limit: never taken as the target's capacity. */
  generatorLimited: boolean;
  /** Set on the confirmation run at the answer. */
  confirmation?: boolean;
}

/** `salvo capacity`'s answer. */
export interface CapacityResult {
  /** The highest rate that met every SLO, confirmed by a second run; 0 when even the lowest rate failed. */
  sustainableRatePerSec: number;
  /** Where the latency curve bends: the highest passing rate whose p99 stayed within KNEE_FACTOR of the lowest p99 seen; null without a passing step. */
  kneeRatePerSec: number | null;
  /** The SLOs, as given. */
  slos: string[];
  /** Every step in the order run. */
  steps: CapacityStep[];
  /** Why the search ended where it did (precision reached, max rate, time budget, generator limit). */
  stoppedBecause: string;
  durationMs: number;
}
