/** Weight of each request's time in flight in the running estimate of a typical one. */
const REQUEST_TIME_WEIGHT = 1 / 8;
/**
 * A request's time counts toward that estimate up to this multiple of it: a stall (a descheduled
 * process, a garbage collection) moves it little, while latency that really rose is followed within
 * a few requests (each may raise the estimate by an eighth).
 */
const REQUEST_TIME_CLIP = 2;

/**
 * Keeps a fractional mean number of requests in flight: floor(c) requests always, and one more
 * while the time-integral of (in flight − c) is not ahead, a sigma-delta modulator at the scale of
 * single requests. 0.15 in flight is one request in flight 15% of the time: a pause after each.
 *
 * The account is bounded either way. Behind, the sender could not send when it should have (a stalled
 * event loop, a descheduled process): that is made up at once, by keeping the last slot busy back to
 * back, until the dial is next set, so a tick's throughput does not depend on how busy the machine
 * was. What is still owed then is let go: the controller has seen it in the tick's throughput and
 * answers it itself, and making it up as well would answer it twice. Ahead by more than one typical
 * request's time in flight, a request took far longer than usual (most often the generator, not the
 * target, was stalled and read the answer late): waiting that out in full would pause for
 * (1 − c) / c times the stall, ten times it at 0.1 in flight.
 */
export class DutyCycle {
  private balanceRequestUs = 0;
  private lastUs: number;
  private inFlight = 0;
  /** A typical request's time in flight, µs; 0 until one has ended. */
  private requestUs = 0;

  constructor(
    private concurrency: number,
    nowUs: number,
  ) {
    this.lastUs = nowUs;
  }

  setConcurrency(concurrency: number, nowUs: number): void {
    this.advance(nowUs);
    this.balanceRequestUs = Math.max(0, this.balanceRequestUs);
    this.concurrency = concurrency;
  }

  started(nowUs: number): void {
    this.advance(nowUs);
    this.inFlight++;
  }

  /** A request ended after `requestUs` in flight. */
  ended(nowUs: number, requestUs: number): void {
    this.advance(nowUs);
    this.inFlight--;
    const typicalUs = this.requestUs;
    this.requestUs = typicalUs === 0 ? requestUs : typicalUs + REQUEST_TIME_WEIGHT * (Math.min(requestUs, REQUEST_TIME_CLIP * typicalUs) - typicalUs);
    this.balanceRequestUs = Math.min(this.balanceRequestUs, this.requestUs);
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
    // The excess is bounded when a request ends (its time is known then), so a request still in flight keeps counting.
    this.balanceRequestUs += (this.inFlight - this.concurrency) * elapsedUs;
  }
}
