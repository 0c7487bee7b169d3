import type { Histogram } from 'hdr-histogram-js';
import { CAUSE_INDEX, ERROR_CAUSES, NO_STATUS, causeOfStatus, countsByCause, type ErrorCause } from './causes.js';
import { createHistogram, recordUs } from './histogram.js';
import { createSlowdownHistogram, recordSlowdown } from './slowdown.js';

/** Why requests were dropped: each names a limit of the generator, not of the target. */
export type DropReason = 'queueFull' | 'lateBatch' | 'unsentAtEnd';

export interface RecorderTotals {
  sent: number;
  completed: number;
  failed: number;
  dropped: number;
  droppedBy: Record<DropReason, number>;
  errors: Partial<Record<ErrorCause, number>>;
  statusCodes: Record<string, number>;
}

/** What a summary is made of: counts and histograms (a Tally, or one rebuilt from a checkpoint). */
export interface TallyState {
  totals(): RecorderTotals;
  readonly corrected: Histogram;
  readonly uncorrected: Histogram;
  readonly scheduleLag: Histogram;
  /** Latency ÷ service time of the answers that carried a service time (SLOWDOWN_SCALE). */
  readonly slowdown: Histogram;
  /** The service times those answers carried, µs. */
  readonly serviceTime: Histogram;
}

const MAX_STATUS = 1000;

/**
 * Counts and histograms of one part of a run, recorded in place: histograms in integer µs, counters
 * in typed arrays. A run has one for what it measures and, with a warm-up, one for the warm-up.
 */
export class Tally implements TallyState {
  /** Latency from the intended send time: what a user arriving on schedule would have seen. */
  readonly corrected = createHistogram();
  /** Latency from the actual send time: what the generator happened to observe. */
  readonly uncorrected = createHistogram();
  /** Actual − intended send time: queueing in the generator plus its own lateness. */
  readonly scheduleLag = createHistogram();
  readonly slowdown = createSlowdownHistogram();
  readonly serviceTime = createHistogram();

  private sent = 0;
  private completed = 0;
  private failed = 0;
  private dropped = 0;
  private readonly droppedBy: Record<DropReason, number> = { queueFull: 0, lateBatch: 0, unsentAtEnd: 0 };
  private readonly causeCounts = new Float64Array(ERROR_CAUSES.length);
  private readonly statusCounts = new Float64Array(MAX_STATUS);

  countSent(lagUs: number): void {
    this.sent++;
    recordUs(this.scheduleLag, lagUs);
  }

  /**
   * Records an answer, and its slowdown when it carried a service time (`serviceUs` > 0; a service
   * time of 0 has no finite slowdown); returns why it failed (a 4xx/5xx status), or undefined.
   */
  countResponse(correctedUs: number, uncorrectedUs: number, status: number, serviceUs: number): ErrorCause | undefined {
    recordUs(this.corrected, correctedUs);
    recordUs(this.uncorrected, uncorrectedUs);
    if (serviceUs > 0) {
      recordUs(this.serviceTime, serviceUs);
      recordSlowdown(this.slowdown, correctedUs, serviceUs);
    }
    if (status !== NO_STATUS) this.statusCounts[status < MAX_STATUS ? status : 0]!++;
    const cause = causeOfStatus(status);
    if (cause === undefined) this.completed++;
    else this.countFailure(cause);
    return cause;
  }

  countFailure(cause: ErrorCause): void {
    this.failed++;
    this.causeCounts[CAUSE_INDEX[cause]]!++;
  }

  countDropped(count: number, reason: DropReason): void {
    this.droppedBy[reason] += count;
    this.dropped += count;
    this.causeCounts[CAUSE_INDEX.dropped]! += count;
  }

  totals(): RecorderTotals {
    const statusCodes: Record<string, number> = {};
    this.statusCounts.forEach((count, status) => {
      if (count > 0) statusCodes[status === 0 ? 'other' : String(status)] = count;
    });
    return {
      sent: this.sent,
      completed: this.completed,
      failed: this.failed,
      dropped: this.dropped,
      droppedBy: { ...this.droppedBy },
      errors: countsByCause(this.causeCounts),
      statusCodes,
    };
  }
}
