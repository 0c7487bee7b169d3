import { ControlLoop, type ControlLoopOptions, type ControlResult } from '../control/control-loop.js';
import type { ConcurrencyController } from '../control/controller.js';
import type { Clock, Timer } from '../time/clock.js';

/**
 * A held throughput's dial inside a run: the control loop ticked on the run's clock, and what the
 * RunHandle and the progress line ask of it. Its owner turns each new value into request slots or
 * virtual users.
 */
export class HeldDial {
  readonly loop: ControlLoop;
  private value: number;
  private ticker: Timer | undefined;
  private stopped = false;

  constructor(
    controller: ConcurrencyController,
    private readonly options: ControlLoopOptions & { tickMs: number },
    private readonly clock: Clock,
  ) {
    this.loop = new ControlLoop(controller, options);
    this.value = this.loop.concurrency;
  }

  /** The value the dial is set to now. */
  get concurrency(): number {
    return this.value;
  }

  /** Ticks every tickMs from `startUs` on; `apply` is given each new value and says whether to go on ticking. */
  start(startUs: number, apply: (concurrency: number, elapsedUs: number) => boolean): void {
    const tick = (): void => {
      if (this.stopped) return;
      const elapsedUs = this.clock.nowUs() - startUs;
      this.value = this.loop.tick(elapsedUs / 1000);
      // `apply` may end the load, and with it the ticks.
      if (apply(this.value, elapsedUs) && !this.stopped) this.ticker = this.clock.setTimer(tick, this.options.tickMs);
    };
    this.ticker = this.clock.setTimer(tick, this.options.tickMs);
  }

  stop(): void {
    this.stopped = true;
    this.ticker?.cancel();
  }

  /** Changes the setpoint from now on (the stages, if any, are left). */
  setRate(ratePerSec: number): void {
    this.loop.setSetpoint(ratePerSec);
  }

  /** The setpoint and the dial now, for progress lines. */
  reading(): { setpointPerSec: number; concurrency: number } {
    return { setpointPerSec: this.loop.latest()?.setpointPerSec ?? this.options.setpointPerSec, concurrency: this.value };
  }

  result(): ControlResult {
    return this.loop.result();
  }
}
