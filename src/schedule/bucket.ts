import type { Pacer } from './pacer.js';

/**
 * Fixed-resolution batches: time is cut into buckets and each bucket's batch is due at its start.
 * Bucket k holds ceil((k+1)·r) − ceil(k·r) requests, r = rate × bucket length, so fractional rates
 * accumulate (1 req/s in 100 ms buckets: one request every 10th bucket, starting with the first;
 * 15 req/s: 2, 1, 2, 1, …). A batch that cannot start inside its own bucket is discarded whole.
 * The schedule ends at `durationUs`: the bucket it cuts holds only its share (rate × the part of it
 * inside the run), so the schedule sends rate × duration in all, never a whole bucket more.
 */
export class BucketPacer implements Pacer {
  private readonly ratePerUs: number;
  private bucket = 0;
  private bucketEndIndex: number;

  constructor(
    ratePerSec: number,
    private readonly bucketUs: number,
    private readonly durationUs = Infinity,
  ) {
    this.ratePerUs = ratePerSec / 1_000_000;
    this.bucketEndIndex = this.countBefore(1);
  }

  dueUs(index: number): number {
    return this.bucketOf(index) * this.bucketUs;
  }

  deadlineUs(index: number): number {
    return (this.bucketOf(index) + 1) * this.bucketUs;
  }

  countDueBefore(us: number): number {
    // A batch is due at its bucket's start: every bucket that starts before `us`.
    return Math.max(0, this.countBefore(Math.ceil(us / this.bucketUs)));
  }

  private bucketOf(index: number): number {
    if (index < this.countBefore(this.bucket)) throw new RangeError(`bucket pacer asked for request ${index} after moving past it`);
    while (index >= this.bucketEndIndex) {
      if ((this.bucket + 1) * this.bucketUs >= this.durationUs) return Infinity; // past the schedule's end
      this.bucket++;
      this.bucketEndIndex = this.countBefore(this.bucket + 1);
    }
    return this.bucket;
  }

  /** Requests in buckets 0 … k−1; the small epsilon keeps 0.1 × 30 from reading as 3.0000000000000004. */
  private countBefore(bucket: number): number {
    return Math.ceil(Math.min(bucket * this.bucketUs, this.durationUs) * this.ratePerUs - 1e-9);
  }
}
