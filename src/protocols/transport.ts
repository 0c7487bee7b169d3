import type { ErrorCause } from '../metrics/causes.js';

/** What a transport reports about each exchange, as it happens; times are µs on the run's clock. */
export interface ExchangeListener {
  onSent(intendedUs: number, sentUs: number): void;
  /**
   * `status` is the HTTP status, or NO_STATUS (0) for a protocol without one (raw TCP); `serviceUs` is
   * the service time the answer carried (Server-Timing's dur, in µs), or NO_SERVICE_TIME (-1) when it
   * carried none, as is every answer of a transport that does not read it.
   */
  onResponse(intendedUs: number, sentUs: number, doneUs: number, status: number, serviceUs?: number): void;
  onFailure(intendedUs: number, sentUs: number, doneUs: number, cause: ErrorCause): void;
  /** A request slot came free: the executor may send again. */
  onSlotFree(): void;
}

/** What the runner needs of whatever holds a run's connections: counts, timeouts and the end. */
export interface Connections {
  /** Requests sent and not yet finished. */
  inFlight(): number;
  /** Fails, as `timeout`, every request sent before `olderThanUs` (and what is queued behind it on its connection). */
  expire(olderThanUs: number): void;
  /** Closes every connection; requests still in flight are abandoned without being reported. */
  close(): void;
}

/**
 * How requests reach a target, the one seam every protocol implements (undici's dispatch, reduced
 * to what a load needs). A transport owns its connections; the executor only asks for slots.
 */
export interface Transport extends Connections {
  /** Sends one request now when a slot is free (opening a connection if the limit allows); false otherwise. */
  trySend(intendedUs: number): boolean;
  /** Changes how many connections may be open; extra idle ones close, busy ones close when they finish. */
  setMaxConnections(count: number): void;
  /** Opens up to `count` connections before the load starts, where a connection opening at its first request would make it late. */
  openAhead?(count: number): Promise<void>;
}
