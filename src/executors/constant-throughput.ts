import type { ControlResult } from '../control/control-loop.js';
import { createController } from '../control/create.js';
import { PacedSlots } from '../control/paced-slots.js';
import type { Executor } from '../plan/executors/index.js';
import { ClosedLoop } from './closed-loop.js';
import { controlTap } from './control-tap.js';
import { HeldDial } from './held-dial.js';
import type { ExecutorContext, ExchangeTap, RunningExecutor } from './executor.js';

type ConstantThroughputPlan = Extract<Executor, { type: 'constant-throughput' }>;

/**
 * The closed loop of max-throughput with a dial: a controller sets how many requests may be in
 * flight, tick by tick, to hold a throughput of completed requests (see src/control). A slot sends
 * its next request as soon as the last one ends (the fractional one after its pause), so a request
 * is intended when it is sent and corrected and uncorrected latency agree.
 */
export class ConstantThroughputExecutor extends ClosedLoop implements RunningExecutor {
  private readonly held: HeldDial;
  private readonly slots: PacedSlots;

  /** Completed requests and their latency feed the controller; every ended exchange frees its slot. */
  readonly tap: ExchangeTap;

  constructor(
    private readonly plan: ConstantThroughputPlan,
    context: ExecutorContext,
  ) {
    super(context);
    this.held = new HeldDial(createController(plan), plan, context.clock);
    this.slots = new PacedSlots(context.clock, this.held.concurrency, () => context.transport.trySend(context.clock.nowUs()));
    this.tap = controlTap(this.held.loop.window, (latencyUs) => this.slots.ended(latencyUs));
  }

  protected override starting(): void {
    // One connection per request in flight at most; multiplexed protocols fill a connection's streams before opening another.
    this.context.transport.setMaxConnections(this.plan.maxConcurrency);
    this.held.start(this.context.startUs, (concurrency) => {
      if (!this.issuing) return false;
      this.slots.setConcurrency(concurrency);
      this.onSlotFree();
      return true;
    });
  }

  protected fill(): void {
    this.slots.fill();
  }

  protected override stopping(): void {
    this.held.stop();
    this.slots.close();
  }

  setRate(ratePerSec: number): void {
    this.held.setRate(ratePerSec);
  }

  setConcurrency(): void {
    throw new Error('constant-throughput turns its own concurrency; change its setpoint instead');
  }

  dial(): { setpointPerSec: number; concurrency: number } {
    return this.held.reading();
  }

  controlResult(): ControlResult {
    return this.held.result();
  }
}
