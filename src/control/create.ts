import { AimdController } from './aimd.js';
import type { ConcurrencyController, ConcurrencyLimits, ControllerKind } from './controller.js';
import { GradientController } from './gradient.js';
import { defaultPidGains, PidController, type PidGains } from './pid.js';

export interface ControllerOptions extends ConcurrencyLimits {
  controller: ControllerKind;
  tickMs: number;
  /** PID (and gradient) gains; unset ones take the defaults for the tick. */
  gains?: Partial<PidGains>;
}

/**
 * How long the gradient limiter remembers the lowest latency (Envoy recomputes its minRTT once a
 * minute too). Past the knee every latency seen includes a queue, so a shorter memory would let
 * the ceiling creep up on the queue it is meant to avoid.
 */
const MIN_RTT_WINDOW_MS = 60_000;

export function createController(options: ControllerOptions): ConcurrencyController {
  const gains = { ...defaultPidGains(options.tickMs), ...options.gains };
  const limits = { minConcurrency: options.minConcurrency, maxConcurrency: options.maxConcurrency };
  switch (options.controller) {
    case 'pid':
      return new PidController({ ...limits, gains });
    case 'aimd':
      return new AimdController(limits, gains.filterTimeMs);
    case 'gradient':
      return new GradientController({ ...limits, gains, minRttWindowMs: MIN_RTT_WINDOW_MS });
  }
}
