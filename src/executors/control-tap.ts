import type { TickWindow } from '../control/tick-window.js';
import { causeOfStatus } from '../metrics/causes.js';
import type { ExchangeTap } from './executor.js';

/**
 * What a held throughput measures: completed requests and their latency, failures counted apart.
 * `ended` is told each exchange's latency, failed or not, for an executor that paces by it.
 */
export function controlTap(window: TickWindow, ended: (latencyUs: number) => void = () => {}): ExchangeTap {
  return {
    onResponse: (_intendedUs, sentUs, doneUs, status) => {
      ended(doneUs - sentUs);
      if (causeOfStatus(status) === undefined) window.recordCompleted(doneUs - sentUs);
      else window.recordFailed();
    },
    onFailure: (_intendedUs, sentUs, doneUs) => {
      ended(doneUs - sentUs);
      window.recordFailed();
    },
  };
}
