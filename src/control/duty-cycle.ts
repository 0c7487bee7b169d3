/**
 * How far the occupancy account may run behind, in request-µs: a deficit builds only while the
 * sender could not send (a stalled event loop), and repaying it would be a burst.
 */
const MAX_DEFICIT_REQUEST_US = 1000;
/** How far ahead: a slow request's excess is waited out in full, up to this. */
const MAX_EXCESS_REQUEST_US = 10_000_000;

/**
 * Keeps a fractional mean number of requests in flight: floor(c) requests always, and one more
 * while the time-integral of (in flight − c) is not ahead, a sigma-delta modulator at the scale of
 * single requests. 0.15 in flight is one request in flight 15% of the time: a pause after each.
 */
export class DutyCycle {
  private balanceRequestUs = 0;
  private lastUs: number;
  private inFlight = 0;

  constructor(
    private concurrency: number,
    nowUs: number,
  ) {
    this.lastUs = nowUs;
  }

  setConcurrency(concurrency: number, nowUs: number): void {
    this.advance(nowUs);
    this.concurrency = concurrency;
  }

  started(nowUs: number): void {
    this.advance(nowUs);
    this.inFlight++;
  }

  ended(nowUs: number): void {
    this.advance(nowUs);
    this.inFlight--;
  }

  /** Whether one more request may start now. */
  mayStart(nowUs: number): boolean {
    this.advance(nowUs);
    const whole = Math.floor(this.concurrency);
    if (this.inFlight < whole) return true;
    return this.inFlight < Math.ceil(this.concurrency) && this.balanceRequestUs <= 0;
  }

  /** How long until one more request may start, µs; Infinity when only an end can free one. */
  waitUs(nowUs: number): number {
    if (this.mayStart(nowUs)) return 0;
    const below = this.concurrency - this.inFlight;
    return below > 0 ? this.balanceRequestUs / below : Infinity;
  }

  private advance(nowUs: number): void {
    const elapsedUs = nowUs - this.lastUs;
    this.lastUs = nowUs;
    const balance = this.balanceRequestUs + (this.inFlight - this.concurrency) * elapsedUs;
    this.balanceRequestUs = Math.max(-MAX_DEFICIT_REQUEST_US, Math.min(MAX_EXCESS_REQUEST_US, balance));
  }
}
