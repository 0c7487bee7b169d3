import type { Histogram } from 'hdr-histogram-js';
import { CAUSE_INDEX, ERROR_CAUSES, NO_STATUS, causeOfStatus, countsByCause, type ErrorCause } from './causes.js';
import type { Limit, Pressure } from './generator-monitor.js';
import { createHistogram, encodeHistogram, recordUs, secondLatencyMs } from './histogram.js';

/** One second of a run, by the second in which each event happened. */
export interface SecondSample {
  /** Seconds since the start of the run (0-based). */
  second: number;
  startEpochMs: number;
  sent: number;
  completed: number;
  failed: number;
  dropped: number;
  errors: Partial<Record<ErrorCause, number>>;
  /** Corrected latency of the responses that arrived in this second. */
  latencyMs: { p50: number; p99: number; max: number };
  /** The same latencies, losslessly encoded, so seconds can be merged across workers and machines. */
  histogram: string;
  /** Mean latency from the actual send time of this second's responses: the target's own pace, without the generator's queueing. */
  uncorrectedMeanMs?: number;
  /** Set when the run stayed behind its schedule in this second: how far at most, and what held it back. */
  behind?: { ms: number; limit: Limit };
}

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

const MAX_STATUS = 1000;

/** A second whose counting is over; its histogram is summarized later, off the send and receive path. */
interface ClosedSecond {
  second: number;
  sent: number;
  completed: number;
  failed: number;
  dropped: number;
  causes: Float64Array;
  latency: Histogram;
  responses: number;
  uncorrectedUs: number;
  behind: { ms: number; limit: Limit } | undefined;
}

/**
 * Everything measured during a run, recorded in place: histograms in integer µs, counters in typed
 * arrays, and a sample per second. Crossing a second boundary only swaps in a fresh histogram; the
 * closed second is summarized and announced by `publishClosedSeconds`, which the runner calls from its
 * own timer, so no listener ever runs inside a transport callback and no send waits on the encoding.
 */
export class Recorder {
  /** Latency from the intended send time: what a user arriving on schedule would have seen. */
  readonly corrected = createHistogram();
  /** Latency from the actual send time: what the generator happened to observe. */
  readonly uncorrected = createHistogram();
  /** Actual − intended send time: queueing in the generator plus its own lateness. */
  readonly scheduleLag = createHistogram();

  private sent = 0;
  private completed = 0;
  private failed = 0;
  private dropped = 0;
  private readonly droppedBy: Record<DropReason, number> = { queueFull: 0, lateBatch: 0, unsentAtEnd: 0 };
  private readonly causeCounts = new Float64Array(ERROR_CAUSES.length);
  private readonly statusCounts = new Float64Array(MAX_STATUS);

  private secondLatency = createHistogram();
  private readonly spareHistograms: Histogram[] = [];
  private readonly closedSeconds: ClosedSecond[] = [];
  private readonly secondCauses = new Float64Array(ERROR_CAUSES.length);
  private secondSent = 0;
  private secondCompleted = 0;
  private secondFailed = 0;
  private secondDropped = 0;
  private secondResponses = 0;
  private secondUncorrectedUs = 0;
  private secondBehind: { ms: number; limit: Limit } | undefined;
  private secondIndex = 0;
  private nextSecondUs: number;
  private readonly samples: SecondSample[] = [];

  constructor(
    private readonly startUs: number,
    private readonly startEpochMs: number,
    private readonly onSecond?: (sample: SecondSample) => void,
  ) {
    this.nextSecondUs = startUs + 1_000_000;
  }

  recordSent(nowUs: number, intendedUs: number): void {
    if (nowUs >= this.nextSecondUs) this.closeSecondsBefore(nowUs);
    this.sent++;
    this.secondSent++;
    recordUs(this.scheduleLag, nowUs - intendedUs);
  }

  recordResponse(intendedUs: number, sentUs: number, doneUs: number, status: number): void {
    if (doneUs >= this.nextSecondUs) this.closeSecondsBefore(doneUs);
    recordUs(this.corrected, doneUs - intendedUs);
    recordUs(this.uncorrected, doneUs - sentUs);
    recordUs(this.secondLatency, doneUs - intendedUs);
    this.secondResponses++;
    this.secondUncorrectedUs += doneUs - sentUs;
    if (status !== NO_STATUS) this.statusCounts[status < MAX_STATUS ? status : 0]!++;
    const cause = causeOfStatus(status);
    if (cause === undefined) {
      this.completed++;
      this.secondCompleted++;
    } else {
      this.countFailure(cause);
    }
  }

  recordFailure(doneUs: number, cause: ErrorCause): void {
    if (doneUs >= this.nextSecondUs) this.closeSecondsBefore(doneUs);
    this.countFailure(cause);
  }

  recordDropped(nowUs: number, count: number, reason: DropReason): void {
    if (nowUs >= this.nextSecondUs) this.closeSecondsBefore(nowUs);
    this.droppedBy[reason] += count;
    this.dropped += count;
    this.secondDropped += count;
    this.causeCounts[CAUSE_INDEX.dropped]! += count;
    this.secondCauses[CAUSE_INDEX.dropped]! += count;
  }

  /** Keeps the worst lasting backlog of the current second for its sample. */
  recordPressure(nowUs: number, { behindMs, limit }: Pressure): void {
    if (nowUs >= this.nextSecondUs) this.closeSecondsBefore(nowUs);
    if (limit && behindMs > (this.secondBehind?.ms ?? 0)) this.secondBehind = { ms: Math.round(behindMs), limit };
  }

  /** Closes every whole second that ended before `nowUs`, even ones in which nothing happened. */
  closeSecondsBefore(nowUs: number): void {
    while (nowUs >= this.nextSecondUs) this.closeSecond();
  }

  /** Summarizes the seconds closed since the last call, in order, and tells `onSecond` of each. */
  publishClosedSeconds(): void {
    for (let closed = this.closedSeconds.shift(); closed; closed = this.closedSeconds.shift()) {
      const { latency } = closed;
      const sample: SecondSample = {
        second: closed.second,
        startEpochMs: Math.round(this.startEpochMs + closed.second * 1000),
        sent: closed.sent,
        completed: closed.completed,
        failed: closed.failed,
        dropped: closed.dropped,
        errors: countsByCause(closed.causes),
        latencyMs: secondLatencyMs(latency),
        histogram: encodeHistogram(latency),
        ...(closed.responses > 0 ? { uncorrectedMeanMs: Math.round(closed.uncorrectedUs / closed.responses) / 1000 } : {}),
        ...(closed.behind ? { behind: closed.behind } : {}),
      };
      latency.reset();
      this.spareHistograms.push(latency);
      this.samples.push(sample);
      this.onSecond?.(sample);
    }
  }

  /** Closes the last, partial second when it saw anything, and returns every sample. */
  finish(endUs: number): SecondSample[] {
    this.closeSecondsBefore(endUs);
    const partialSeen = this.secondSent + this.secondCompleted + this.secondFailed + this.secondDropped > 0;
    if (partialSeen) this.closeSecond();
    this.publishClosedSeconds();
    return this.samples;
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

  private countFailure(cause: ErrorCause): void {
    this.failed++;
    this.secondFailed++;
    this.causeCounts[CAUSE_INDEX[cause]]!++;
    this.secondCauses[CAUSE_INDEX[cause]]!++;
  }

  private closeSecond(): void {
    this.closedSeconds.push({
      second: this.secondIndex,
      sent: this.secondSent,
      completed: this.secondCompleted,
      failed: this.secondFailed,
      dropped: this.secondDropped,
      causes: this.secondCauses.slice(),
      latency: this.secondLatency,
      responses: this.secondResponses,
      uncorrectedUs: this.secondUncorrectedUs,
      behind: this.secondBehind,
    });
    this.secondResponses = this.secondUncorrectedUs = 0;
    this.secondBehind = undefined;
    this.secondLatency = this.spareHistograms.pop() ?? createHistogram();
    this.secondCauses.fill(0);
    this.secondSent = this.secondCompleted = this.secondFailed = this.secondDropped = 0;
    this.secondIndex++;
    this.nextSecondUs = this.startUs + (this.secondIndex + 1) * 1_000_000;
  }
}

export type { Histogram };
