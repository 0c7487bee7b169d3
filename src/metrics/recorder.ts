import type { Histogram } from 'hdr-histogram-js';
import { CAUSE_INDEX, ERROR_CAUSES, countsByCause, type ErrorCause } from './causes.js';
import type { Limit, Pressure } from './generator-monitor.js';
import { createHistogram, encodeHistogram, recordUs, secondLatencyMs } from './histogram.js';
import { NO_SERVICE_TIME } from './slowdown.js';
import { Tally, type DropReason } from './tally.js';

export type { DropReason, RecorderTotals } from './tally.js';

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
  /** Set on the seconds that began within the plan's warm-up (`warmupMs`), whose requests the summary leaves out. */
  warmup?: true;
  /** Mean latency from the actual send time of this second's responses: the target's own pace, without the generator's queueing. */
  uncorrectedMeanMs?: number;
  /** Set when the run stayed behind its schedule in this second: how far at most, and what held it back. */
  behind?: { ms: number; limit: Limit };
  /** Virtual users running as the second closed, by user type (closed-model runs only). */
  users?: Record<string, number>;
  /**
   * Live seconds only, when asked (`Recorder.announceUncorrected`): the latencies from the actual send
   * time of this second's answers, encoded as `histogram` is. The result's series leaves it out: its
   * summary holds the whole run's uncorrected percentiles.
   */
  uncorrectedHistogram?: string;
}

/** A second whose counting is over; its histogram is summarized later, off the send and receive path. */
interface ClosedSecond {
  second: number;
  sent: number;
  completed: number;
  failed: number;
  dropped: number;
  causes: Float64Array;
  latency: Histogram;
  uncorrected: Histogram | undefined;
  responses: number;
  uncorrectedUs: number;
  behind: { ms: number; limit: Limit } | undefined;
  users: Record<string, number> | undefined;
}

/**
 * Everything measured during a run, recorded in place, and a sample per second. Requests are
 * attributed by their intended send time: those due within the warm-up go to `warmup`, the rest to
 * `measured` (what the summary and thresholds judge). Crossing a second boundary only swaps in a
 * fresh histogram; the closed second is summarized and announced by `publishClosedSeconds`, which the
 * runner calls from its own timer, so no listener ever runs inside a transport callback and no send
 * waits on the encoding.
 */
export class Recorder {
  readonly measured = new Tally();
  /** What was due within the warm-up; undefined without one. */
  readonly warmup: Tally | undefined;
  /** Requests intended before this instant belong to the warm-up. */
  private readonly warmupEndUs: number;

  private secondLatency = createHistogram();
  /** This second's uncorrected latencies: only while the live seconds carry them (announceUncorrected). */
  private secondUncorrected: Histogram | undefined;
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
  private usersByType: (() => Record<string, number>) | undefined;

  constructor(
    private readonly startUs: number,
    private readonly startEpochMs: number,
    private readonly onSecond?: (sample: SecondSample) => void,
    private readonly warmupMs = 0,
  ) {
    this.nextSecondUs = startUs + 1_000_000;
    this.warmup = warmupMs > 0 ? new Tally() : undefined;
    this.warmupEndUs = this.warmup ? startUs + warmupMs * 1000 : -Infinity;
  }

  recordSent(nowUs: number, intendedUs: number): void {
    if (nowUs >= this.nextSecondUs) this.closeSecondsBefore(nowUs);
    this.secondSent++;
    this.tallyOf(intendedUs).countSent(nowUs - intendedUs);
  }

  /** `serviceUs`: the service time the answer carried, or NO_SERVICE_TIME. */
  recordResponse(intendedUs: number, sentUs: number, doneUs: number, status: number, serviceUs = NO_SERVICE_TIME): void {
    if (doneUs >= this.nextSecondUs) this.closeSecondsBefore(doneUs);
    recordUs(this.secondLatency, doneUs - intendedUs);
    if (this.secondUncorrected !== undefined) recordUs(this.secondUncorrected, doneUs - sentUs);
    this.secondResponses++;
    this.secondUncorrectedUs += doneUs - sentUs;
    const cause = this.tallyOf(intendedUs).countResponse(doneUs - intendedUs, doneUs - sentUs, status, serviceUs);
    if (cause === undefined) this.secondCompleted++;
    else this.countSecondFailure(cause);
  }

  recordFailure(intendedUs: number, doneUs: number, cause: ErrorCause): void {
    if (doneUs >= this.nextSecondUs) this.closeSecondsBefore(doneUs);
    this.tallyOf(intendedUs).countFailure(cause);
    this.countSecondFailure(cause);
  }

  /** Drops count where they happened: a request is dropped at (or, at the end, after) its intended time. */
  recordDropped(nowUs: number, count: number, reason: DropReason): void {
    if (nowUs >= this.nextSecondUs) this.closeSecondsBefore(nowUs);
    this.tallyOf(nowUs).countDropped(count, reason);
    this.secondDropped += count;
    this.secondCauses[CAUSE_INDEX.dropped]! += count;
  }

  /** Keeps the worst lasting backlog of the current second for its sample. */
  recordPressure(nowUs: number, { behindMs, limit }: Pressure): void {
    if (nowUs >= this.nextSecondUs) this.closeSecondsBefore(nowUs);
    if (limit && behindMs > (this.secondBehind?.ms ?? 0)) this.secondBehind = { ms: Math.round(behindMs), limit };
  }

  /** Has each second note the users running as it closes: the executor that runs them exists only after the recorder. */
  sampleUsersFrom(usersByType: () => Record<string, number>): void {
    this.usersByType = usersByType;
  }

  /**
   * Has each second told to `onSecond` carry its uncorrected latencies (`uncorrectedHistogram`) for a
   * live display: one more histogram recorded per answer, so only when one draws them. Called before
   * the first request.
   */
  announceUncorrected(): void {
    this.secondUncorrected ??= createHistogram();
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
        ...(closed.second * 1000 < this.warmupMs ? { warmup: true as const } : {}),
        ...(closed.responses > 0 ? { uncorrectedMeanMs: Math.round(closed.uncorrectedUs / closed.responses) / 1000 } : {}),
        ...(closed.behind ? { behind: closed.behind } : {}),
        ...(closed.users ? { users: closed.users } : {}),
      };
      this.samples.push(sample);
      const { uncorrected } = closed;
      this.onSecond?.(uncorrected ? { ...sample, uncorrectedHistogram: encodeHistogram(uncorrected) } : sample);
      this.recycle(latency);
      if (uncorrected) this.recycle(uncorrected);
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

  /** A closed second's histogram, once read, is the next second's: no histogram is allocated per second. */
  private recycle(histogram: Histogram): void {
    histogram.reset();
    this.spareHistograms.push(histogram);
  }

  private tallyOf(intendedUs: number): Tally {
    return intendedUs < this.warmupEndUs ? this.warmup! : this.measured;
  }

  private countSecondFailure(cause: ErrorCause): void {
    this.secondFailed++;
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
      uncorrected: this.secondUncorrected,
      responses: this.secondResponses,
      uncorrectedUs: this.secondUncorrectedUs,
      behind: this.secondBehind,
      users: this.usersByType?.(),
    });
    this.secondResponses = this.secondUncorrectedUs = 0;
    this.secondBehind = undefined;
    this.secondLatency = this.spareHistograms.pop() ?? createHistogram();
    if (this.secondUncorrected !== undefined) this.secondUncorrected = this.spareHistograms.pop() ?? createHistogram();
    this.secondCauses.fill(0);
    this.secondSent = this.secondCompleted = this.secondFailed = this.secondDropped = 0;
    this.secondIndex++;
    this.nextSecondUs = this.startUs + (this.secondIndex + 1) * 1_000_000;
  }
}

export type { Histogram };
