import { ControlLoop, type ControlResult } from '../../control/control-loop.js';
import { createController } from '../../control/create.js';
import type { BreakdownResult } from '../../metrics/breakdown.js';
import type { Executor } from '../../plan/executors/index.js';
import type { Timer } from '../../time/clock.js';
import { controlTap } from '../control-tap.js';
import type { ExchangeTap, RunningExecutor } from '../executor.js';
import { VirtualUserExecutor, type VirtualUserContextOptions } from './executor.js';

type HeldVusPlan = Extract<Executor, { type: 'held-vus' }>;

/**
 * Virtual users with a dial: a controller sets how many users run, tick by tick, to hold a throughput
 * of completed requests (any request a user's task makes counts, not the task iterations). The users
 * are VirtualUserExecutor's, their number its population override; each runs its tasks and think
 * times as it would under constant-vus.
 */
export class HeldVirtualUserExecutor implements RunningExecutor {
  private readonly loop: ControlLoop;
  private readonly users: VirtualUserExecutor;
  private userCount: number;
  private ticker: Timer | undefined;
  private ended = false;
  readonly tap: ExchangeTap;

  constructor(
    private readonly plan: HeldVusPlan,
    private readonly options: VirtualUserContextOptions,
  ) {
    const limits = { minConcurrency: plan.minVus, maxConcurrency: plan.maxVus };
    // The controller's float state stays behind whole users, so a dial between 4 and 5 users moves it by its integral.
    this.loop = new ControlLoop(createController({ ...plan, ...limits }), { ...plan, actuator: Math.round });
    this.tap = controlTap(this.loop.window);
    this.users = new VirtualUserExecutor(plan, options);
    this.userCount = this.loop.concurrency;
    this.users.setConcurrency(this.userCount);
  }

  start(onIssued: () => void): void {
    this.users.start(() => {
      this.endTicks();
      onIssued();
    });
    this.ticker = this.options.clock.setTimer(() => this.tick(), this.plan.tickMs);
  }

  onSlotFree(): void {}

  queued(): number {
    return 0;
  }

  stop(): void {
    this.endTicks();
    this.users.stop();
  }

  /** Changes the setpoint from now on (the stages, if any, are left). */
  setRate(ratePerSec: number): void {
    this.loop.setSetpoint(ratePerSec);
  }

  setConcurrency(): void {
    throw new Error('held-vus turns its own user count; change its setpoint instead');
  }

  dial(): { setpointPerSec: number; concurrency: number } {
    const latest = this.loop.latest();
    return { setpointPerSec: latest?.setpointPerSec ?? this.plan.setpointPerSec, concurrency: this.userCount };
  }

  controlResult(): ControlResult {
    return this.loop.result();
  }

  breakdown(): BreakdownResult {
    return this.users.breakdown();
  }

  usersByType(): Record<string, number> {
    return this.users.usersByType();
  }

  private tick(): void {
    if (this.ended) return;
    const { clock, startUs, durationUs } = this.options;
    const elapsedUs = clock.nowUs() - startUs;
    this.userCount = this.loop.tick(elapsedUs / 1000);
    if (elapsedUs >= durationUs) return;
    this.users.setConcurrency(this.userCount);
    this.ticker = clock.setTimer(() => this.tick(), this.plan.tickMs);
  }

  private endTicks(): void {
    this.ended = true;
    this.ticker?.cancel();
  }
}
