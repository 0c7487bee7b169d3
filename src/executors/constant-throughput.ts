import { ControlLoop, type ControlResult } from '../control/control-loop.js';
import { createController } from '../control/create.js';
import { PacedSlots } from '../control/paced-slots.js';
import type { Executor } from '../plan/executors/index.js';
import type { Timer } from '../time/clock.js';
import { ClosedLoop } from './closed-loop.js';
import { controlTap } from './control-tap.js';
import type { ExecutorContext, ExchangeTap, RunningExecutor } from './executor.js';

type ConstantThroughputPlan = Extract<Executor, { type: 'constant-throughput' }>;

/**
 * The closed loop of max-throughput with a dial: a controller sets how many requests may be in
 * flight, tick by tick, to hold a throughput of completed requests (see src/control). A slot sends
 * its next request as soon as the last one ends (the fractional one after its pause), so a request
 * is intended when it is sent and corrected and uncorrected latency agree.
 */
export class ConstantThroughputExecutor extends ClosedLoop implements RunningExecutor {
  private readonly loop: ControlLoop;
  private readonly slots: PacedSlots;
  private concurrency: number;
  private ticker: Timer | undefined;

  /** Completed requests and their latency feed the controller; every ended exchange frees its slot. */
  readonly tap: ExchangeTap;

  constructor(
    private readonly plan: ConstantThroughputPlan,
    context: ExecutorContext,
  ) {
    super(context);
    this.loop = new ControlLoop(createController(plan), plan);
    this.concurrency = this.loop.concurrency;
    this.slots = new PacedSlots(context.clock, this.concurrency, () => context.transport.trySend(context.clock.nowUs()));
    this.tap = controlTap(this.loop.window, (latencyUs) => this.slots.ended(latencyUs));
  }

  protected override starting(): void {
    const { clock, transport } = this.context;
    // One connection per request in flight at most; multiplexed protocols fill a connection's streams before opening another.
    transport.setMaxConnections(this.plan.maxConcurrency);
    this.ticker = clock.setTimer(() => this.tick(), this.plan.tickMs);
  }

  protected fill(): void {
    this.slots.fill();
  }

  protected override stopping(): void {
    this.ticker?.cancel();
    this.slots.close();
  }

  /** Changes the setpoint from now on (the stages, if any, are left). */
  setRate(ratePerSec: number): void {
    this.loop.setSetpoint(ratePerSec);
  }

  setConcurrency(): void {
    throw new Error('constant-throughput turns its own concurrency; change its setpoint instead');
  }

  /** The setpoint and the dial now, for progress lines. */
  dial(): { setpointPerSec: number; concurrency: number } {
    const latest = this.loop.latest();
    return { setpointPerSec: latest?.setpointPerSec ?? this.plan.setpointPerSec, concurrency: this.concurrency };
  }

  controlResult(): ControlResult {
    return this.loop.result();
  }

  private tick(): void {
    const { clock, startUs } = this.context;
    this.concurrency = this.loop.tick((clock.nowUs() - startUs) / 1000);
    if (!this.issuing) return;
    this.ticker = clock.setTimer(() => this.tick(), this.plan.tickMs);
    this.slots.setConcurrency(this.concurrency);
    this.onSlotFree();
  }
}
