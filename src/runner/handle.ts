import type { SecondSample } from '../metrics/recorder.js';
import type { JitMode } from '../plan/run-options.js';
import type { ExchangeListener } from '../protocols/transport.js';
import type { RecordedState, RunCheckpoint } from '../result/from-recorder.js';
import type { RunResult } from '../result/types.js';
import type { Clock } from '../time/clock.js';

export interface RunOptions {
  clock?: Clock;
  /** Connect once before starting, so a target that is not there fails the run with a SetupError instead of a run of errors. */
  probe?: boolean;
  /** Called as each second of the run closes while the run goes on (live progress); the result's series holds them all. */
  onSecond?: (sample: SecondSample) => void;
  /** Has each second told to `onSecond` carry its uncorrected latencies (`uncorrectedHistogram`): for the dashboard's percentiles. */
  liveUncorrected?: boolean;
  /** Told of every finished request (per-request exports); when unset the exchange path does no extra work. */
  onExchange?: ExchangeObserver;
  /** Which of V8's compilers the run's code may use, set for the whole process (see jit.ts); default 'auto'. */
  jit?: JitMode;
  /** Time zero at this wall-clock instant (ms since the epoch), once the target is resolved, probed and connected. */
  startAtEpochMs?: number;
}

/** Each finished request as the transport reports it: times are µs on the run's clock (`Clock.epochMsAt` for wall time). */
export type ExchangeObserver = Pick<ExchangeListener, 'onResponse' | 'onFailure'>;

/** A load in progress: the seam through which controllers and sweeps steer it. */
export interface RunHandle {
  readonly result: Promise<RunResult>;
  /** Changes the arrival rate from now on (arrival-rate executors only). */
  setRate(ratePerSec: number): void;
  /** Changes how many connections may be open. */
  setConcurrency(connections: number): void;
  /** Ends the run now; what was measured is kept and the result is marked interrupted. */
  stop(reason?: string): void;
  /** Counts so far, for progress displays. */
  inFlight(): number;
  /**
   * The arrival rate this run asks for now (its share, for a shard): the plan's schedule at this
   * instant (a ramp's stage), a rate set since, or a held throughput's setpoint. Null without a rate
   * (max throughput, virtual users). Read by live displays, not by the run.
   */
  targetRatePerSec(): number | null;
  /** A held throughput's setpoint and dial now (constant-throughput only), for progress displays. */
  dial?(): { setpointPerSec: number; concurrency: number };
  /**
   * Everything counted so far, cumulative, read only when asked (a metrics scrape), so the send and
   * receive path does no extra work; after the run ends, everything the result counts.
   */
  measuredSoFar(): MeasuredPart[];
}

/** What one part of a run (a worker thread, a scenario) has counted so far. */
export interface MeasuredPart {
  /** The scenario it belongs to (MAIN_SCENARIO for a plan without scenarios). */
  scenario: string;
  state: RecordedState;
}

/** A run on this thread, which can also hand over everything measured so far. */
export interface LocalRunHandle extends RunHandle {
  /** Encoded counts and histograms: a worker thread's insurance against dying (see src/workers). */
  checkpoint(): RunCheckpoint;
}
