import { formatCount, formatMs, formatRate, table } from '../units/format.js';
import { describeExecutor } from '../report/terminal-summary.js';
import type { RunResult } from '../result/types.js';
import { SIGNIFICANCE_LEVEL, type CompareOptions, type MetricComparison, type Verdict } from './compare-results.js';
import type { FailCondition } from './fail-if.js';
import { METRICS, type MetricUnit } from './metrics.js';

export interface ComparedRun {
  /** The file name or label the user knows the run by. */
  name: string;
  result: RunResult;
}

const formatValue: Record<MetricUnit, (value: number) => string> = {
  ms: formatMs,
  'req/s': formatRate,
  '%': (percent) => `${percent.toFixed(2)}%`,
};

const formatDifference: Record<MetricUnit, (value: number) => string> = {
  ...formatValue,
  '%': (points) => `${points.toFixed(2)}pp`,
};

const signed = (value: number, format: (magnitude: number) => string): string => `${value < 0 ? '-' : '+'}${format(Math.abs(value))}`;

const formatRelative = (relative: number | null): string => (relative === null ? '–' : signed(relative * 100, (percent) => `${percent.toFixed(1)}%`));

export function formatPValue(pValue: number): string {
  if (pValue < 0.001) return 'p<0.001';
  if (pValue < 0.01) return 'p<0.01';
  return `p=${Number(pValue.toPrecision(2))}`;
}

function verdictText(verdict: Verdict): string {
  if (!verdict.tested) return verdict.reason;
  return verdict.significant ? `significant (${formatPValue(verdict.pValue)})` : `no significant difference (${formatPValue(verdict.pValue)})`;
}

/** One metric's change in a phrase, e.g. "p99 +12.3% (significant, p<0.01)". */
export function describeChange(comparison: MetricComparison): string {
  const { metric, verdict } = comparison;
  const unit = METRICS[metric].unit;
  const change = comparison.relative === null ? signed(comparison.difference, formatDifference[unit]) : formatRelative(comparison.relative);
  const significance = !verdict.tested ? verdict.reason : `${verdict.significant ? 'significant' : 'not significant'}, ${formatPValue(verdict.pValue)}`;
  return `${metric} ${change} (${significance})`;
}

/** The side-by-side table of `salvo compare`, as lines of text. */
export function renderComparison(baseline: ComparedRun, candidate: ComparedRun, comparisons: MetricComparison[], options: CompareOptions): string[] {
  const nameWidth = Math.max(baseline.name.length, candidate.name.length);
  const runLine = (role: string, { name, result }: ComparedRun): string =>
    `  ${role.padEnd(9)}   ${name.padEnd(nameWidth)}   ${result.plan.target.method} ${result.plan.target.url}   ${describeExecutor(result.plan.executor)}`;
  const header = ['metric', 'baseline', 'candidate', 'Δ', 'Δ%', '95% CI of Δ'];
  const rows = comparisons.map(({ metric, baseline: before, candidate: after, difference, relative, verdict }) => {
    const unit = METRICS[metric].unit;
    const interval = verdict.tested && verdict.interval ? verdict.interval.map((end) => signed(end, formatDifference[unit])).join(' … ') : '';
    return [
      METRICS[metric].label,
      formatValue[unit](before),
      formatValue[unit](after),
      signed(difference, formatDifference[unit]),
      formatRelative(relative),
      interval,
    ];
  });
  // table() right-aligns every column but the first; the verdicts read better left-aligned after it.
  const verdicts = ['verdict', ...comparisons.map(({ verdict }) => verdictText(verdict))];
  const lines = ['salvo compare', runLine('baseline', baseline), runLine('candidate', candidate), ''];
  const body = table([header, ...rows]);
  const width = Math.max(...body.map((line) => line.length));
  lines.push(...body.map((line, index) => `${line.padEnd(width)}   ${verdicts[index]}`));
  lines.push(
    '',
    `  latency is corrected (from intended send); percentiles are tested by a bootstrap of the histograms (${formatCount(options.resamples)} resamples, seed ${options.seed}),`,
    `  the mean by a z-test, throughput and error rate by a Mann-Whitney U test on per-second samples; significant means p < ${SIGNIFICANCE_LEVEL}`,
  );
  for (const { name, result } of [baseline, candidate]) {
    if (result.summary.generator.saturated) lines.push(`  warning: the generator of ${name} was saturated: its latencies include salvo's own delay`);
  }
  return lines;
}

/** One line per --fail-if condition: whether it failed the gate, and the change it saw. */
export function renderGates(gates: { condition: FailCondition; comparison: MetricComparison; failed: boolean }[]): string[] {
  return gates.map(({ condition, comparison, failed }) => `  --fail-if ${condition.text}: ${failed ? 'FAILED' : 'passed'}: ${describeChange(comparison)}`);
}
