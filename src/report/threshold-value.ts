import type { ThresholdResult } from '../result/types.js';
import { formatCount, formatMs, formatRate } from '../units/format.js';

/** A threshold's measured value in its own unit, as the terminal summary and the HTML report show it. */
export function formatThresholdValue(unit: ThresholdResult['unit'], value: number): string {
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case '%':
      return `${Number(value.toPrecision(3))}%`;
    case 'count':
      return formatCount(value);
    case 'req/s':
      return formatRate(value);
  }
}
