import { formatMs, formatRate, table } from '../units/format.js';
import type { CapacityResult } from './types.js';

/** The answer and every step, for the terminal. */
export function capacityLines(url: string, result: CapacityResult): string[] {
  const rows = [
    ['rate', 'achieved', 'p99', 'errors', 'verdict', 'why'],
    ...result.steps.map((step) => [
      `${formatRate(step.ratePerSec)}${step.confirmation ? ' (confirm)' : ''}`,
      formatRate(step.achievedPerSec),
      formatMs(step.p99Ms),
      `${step.errorsPercent}%`,
      step.generatorLimited ? 'generator' : step.passed ? 'pass' : 'FAIL',
      step.reason,
    ]),
  ];
  return [
    `salvo capacity ${url} (${result.slos.join(', ')})`,
    ...table(rows).map((line) => line.replace(/\s+$/, '')),
    '',
    `  sustainable   ${formatRate(result.sustainableRatePerSec)}`,
    `  knee          ${result.kneeRatePerSec === null ? 'none seen' : formatRate(result.kneeRatePerSec)}`,
    `  stopped       ${result.stoppedBecause} (${Math.round(result.durationMs / 1000)} s)`,
  ];
}
