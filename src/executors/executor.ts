import type { BreakdownResult } from '../metrics/breakdown.js';
import type { Backlog } from '../metrics/generator-monitor.js';
import type { Recorder } from '../metrics/recorder.js';
import type { ControlResult } from '../control/control-loop.js';
import type { Connections, ExchangeListener, Transport } from '../protocols/transport.js';
import type { Clock } from '../time/clock.js';

export interface ExecutorContext<C extends Connections = Transport> {
  clock: Clock;
  /** What it sends on: a pool of connections, or for virtual users one connection per user. */
  transport: C;
  recorder: Recorder;
  /** The run's time zero on `clock`, µs. */
  startUs: number;
  durationUs: number;
}

/** Finished exchanges, for an executor that steers by what it measures. */
export type ExchangeTap = Pick<ExchangeListener, 'onResponse' | 'onFailure'>;

/** The running side of an executor (k6's split): the plan says what, this decides when to send. */
export interface RunningExecutor {
  /** Starts sending; `onIssued` is called once no more requests will be issued. */
  start(onIssued: () => void): void;
  /** The transport has a free slot. */
  onSlotFree(): void;
  /** Requests waiting for a slot. */
  queued(): number;
  /** Stops issuing; requests still waiting are counted as dropped. */
  stop(): void;
  /** Changes the arrival rate from now on (arrival-rate executors). */
  setRate(ratePerSec: number): void;
  /** Changes how many requests may be in flight at once. */
  setConcurrency(connections: number): void;
  /** Counts by task and phase, for executors that run tasks (virtual users). */
  breakdown?(): BreakdownResult;
  /** Told of every finished exchange, when the executor steers by them (constant-throughput). */
  readonly tap?: ExchangeTap;
  /** The setpoint and the dial now, for an executor that holds a throughput. */
  dial?(): { setpointPerSec: number; concurrency: number };
  /** What the controller did, for the result, for an executor that holds a throughput. */
  controlResult?(): ControlResult;
  /** Virtual users running now, by user type (executors that run users). */
  usersByType?(): Record<string, number>;
  /** The oldest request due but not sent yet (executors that keep a schedule); undefined when none is. */
  backlog?(nowUs: number): Backlog | undefined;
}
