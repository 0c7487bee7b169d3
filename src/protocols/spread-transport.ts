import { causeOfStatus, type ErrorCause } from '../metrics/causes.js';
import type { ExchangeListener, Transport } from './transport.js';

/** What one of a run's several targets was sent and how it answered. */
export interface TargetCounts {
  url: string;
  weight: number;
  sent: number;
  completed: number;
  failed: number;
}

/** Counts one target's exchanges on their way to the run's listener. */
export class CountingListener implements ExchangeListener {
  readonly counts: TargetCounts;

  constructor(
    private readonly inner: ExchangeListener,
    url: string,
    weight: number,
  ) {
    this.counts = { url, weight, sent: 0, completed: 0, failed: 0 };
  }

  onSent(intendedUs: number, sentUs: number): void {
    this.counts.sent++;
    this.inner.onSent(intendedUs, sentUs);
  }

  onResponse(intendedUs: number, sentUs: number, doneUs: number, status: number, serviceUs?: number): void {
    // Counted as the summary counts them: an error status is a failure.
    if (causeOfStatus(status) === undefined) this.counts.completed++;
    else this.counts.failed++;
    this.inner.onResponse(intendedUs, sentUs, doneUs, status, serviceUs);
  }

  onFailure(intendedUs: number, sentUs: number, doneUs: number, cause: ErrorCause): void {
    this.counts.failed++;
    this.inner.onFailure(intendedUs, sentUs, doneUs, cause);
  }

  onSlotFree(): void {
    this.inner.onSlotFree();
  }
}

/**
 * Several targets behind one transport: each request goes to a target drawn at random by weight. A
 * drawn target keeps its request until it has a free slot, even when another target has one: the
 * split then follows the weights whatever the targets' speeds (a slow target holds the others back,
 * as a single slow target would), and the seeded draws repeat the same sequence of targets.
 */
export class SpreadTransport implements Transport {
  private readonly cumulativeWeights: Float64Array;
  private readonly totalWeight: number;
  /** The target drawn for the request not yet sent, or -1. */
  private drawn = -1;

  constructor(
    private readonly transports: readonly Transport[],
    weights: readonly number[],
    private readonly random: () => number,
  ) {
    this.cumulativeWeights = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((weight, index) => (this.cumulativeWeights[index] = sum += weight));
    this.totalWeight = sum;
  }

  trySend(intendedUs: number): boolean {
    if (this.drawn < 0) this.drawn = this.draw();
    if (!this.transports[this.drawn]!.trySend(intendedUs)) return false;
    this.drawn = -1;
    return true;
  }

  private draw(): number {
    const point = this.random() * this.totalWeight;
    const last = this.cumulativeWeights.length - 1;
    for (let index = 0; index < last; index++) if (point < this.cumulativeWeights[index]!) return index;
    return last;
  }

  setMaxConnections(count: number): void {
    for (const transport of this.transports) transport.setMaxConnections(count);
  }

  inFlight(): number {
    let count = 0;
    for (const transport of this.transports) count += transport.inFlight();
    return count;
  }

  expire(olderThanUs: number): void {
    for (const transport of this.transports) transport.expire(olderThanUs);
  }

  close(): void {
    for (const transport of this.transports) transport.close();
  }
}
