import type { ControlResult } from '../../control/control-loop.js';
import { createController } from '../../control/create.js';
import type { BreakdownResult } from '../../metrics/breakdown.js';
import type { Executor } from '../../plan/executors/index.js';
import { controlTap } from '../control-tap.js';
import type { ExchangeTap, RunningExecutor } from '../executor.js';
import { HeldDial } from '../held-dial.js';
import { VirtualUserExecutor, type VirtualUserContextOptions } from './executor.js';

type HeldVusPlan = Extract<Executor, { type: 'held-vus' }>;

/**
 * Virtual users with a dial: a controller sets how many users run, tick by tick, to hold a throughput
 * of completed requests (any request a user's task makes counts, not the task iterations). The users
 * are VirtualUserExecutor's, their number its population override; each runs its tasks and think
 * times as it would under constant-vus.
 */
export class HeldVirtualUserExecutor implements RunningExecutor {
  private readonly held: HeldDial;
  private readonly users: VirtualUserExecutor;
  readonly tap: ExchangeTap;

  constructor(
    plan: HeldVusPlan,
    private readonly options: VirtualUserContextOptions,
  ) {
    const limits = { minConcurrency: plan.minVus, maxConcurrency: plan.maxVus };
    // The controller's float state stays behind whole users, so a dial between 4 and 5 users moves it by its integral.
    this.held = new HeldDial(createController({ ...plan, ...limits }), { ...plan, actuator: Math.round }, options.clock);
    this.tap = controlTap(this.held.loop.window);
    this.users = new VirtualUserExecutor(plan, options);
    this.users.setConcurrency(this.held.concurrency);
  }

  start(onIssued: () => void): void {
    this.users.start(() => {
      this.held.stop();
      onIssued();
    });
    this.held.start(this.options.startUs, (userCount, elapsedUs) => {
      if (elapsedUs >= this.options.durationUs) return false;
      this.users.setConcurrency(userCount);
      return true;
    });
  }

  onSlotFree(): void {}

  queued(): number {
    return 0;
  }

  stop(): void {
    this.held.stop();
    this.users.stop();
  }

  setRate(ratePerSec: number): void {
    this.held.setRate(ratePerSec);
  }

  setConcurrency(): void {
    throw new Error('held-vus turns its own user count; change its setpoint instead');
  }

  dial(): { setpointPerSec: number; concurrency: number } {
    return this.held.reading();
  }

  controlResult(): ControlResult {
    return this.held.result();
  }

  breakdown(): BreakdownResult {
    return this.users.breakdown();
  }

  usersByType(): Record<string, number> {
    return this.users.usersByType();
  }
}
