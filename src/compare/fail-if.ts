import { SalvoError } from '../errors.js';
import type { MetricComparison } from './compare-results.js';
import { METRICS, METRIC_NAMES, isMetricName, type MetricName, type MetricUnit } from './metrics.js';

/** A regression condition of `salvo compare --fail-if`, e.g. "p99>+10%". */
export interface FailCondition {
  /** As written, for messages. */
  text: string;
  metric: MetricName;
  operator: '>' | '<';
  /** relative: `threshold` is a fraction of the baseline; absolute: it is in the metric's unit. */
  scale: 'relative' | 'absolute';
  threshold: number;
}

interface ChangeUnit {
  scale: FailCondition['scale'];
  /** Multiplies the written number into the metric's unit (or into a fraction, for relative changes). */
  factor: number;
}

const relativePercent: ChangeUnit = { scale: 'relative', factor: 0.01 };
const absolute = (factor: number): ChangeUnit => ({ scale: 'absolute', factor });

/** The units a change may be written in, by the unit of its metric. */
const CHANGE_UNITS: Record<MetricUnit, Record<string, ChangeUnit>> = {
  ms: { '%': relativePercent, us: absolute(0.001), µs: absolute(0.001), ms: absolute(1), s: absolute(1000) },
  'req/s': { '%': relativePercent, '/s': absolute(1), 'req/s': absolute(1) },
  // The error rate is a percentage already, and a relative change of a rate near zero says little
  // (0.01% → 0.02% is +100%), so its changes are percentage points.
  '%': { '%': absolute(1) },
};

const CONDITION = /^([a-z0-9]+)\s*([<>])\s*(.*)$/i;
const CHANGE = /^([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*([^\d\s]*)$/;
const EXAMPLES = 'p99>+10%, p50>+2ms, rate<-5%, errors>+0.5%';

export class FailConditionError extends SalvoError {
  override name = 'FailConditionError';
  constructor(message: string) {
    super('ERR_CONDITION_SYNTAX', message);
  }
}

/** Parses one condition; a bad one throws a FailConditionError whose message names the problem in one line. */
export function parseFailCondition(text: string): FailCondition {
  const written = text.trim();
  const condition = CONDITION.exec(written);
  if (!condition) throw new FailConditionError(`"${text}" is not a condition (examples: ${EXAMPLES})`);
  const [, metric, operator, change] = condition as unknown as [string, string, '>' | '<', string];
  if (!isMetricName(metric)) throw new FailConditionError(`"${text}": unknown metric "${metric}" (one of ${METRIC_NAMES.join(', ')})`);
  const units = CHANGE_UNITS[METRICS[metric].unit];
  const unitList = Object.keys(units).join(' or ');
  const parsed = CHANGE.exec(change.trim());
  if (!parsed) throw new FailConditionError(`"${text}": "${change}" is not a change (examples: ${EXAMPLES})`);
  const [, sign, digits, unitText] = parsed as unknown as [string, string, string, string];
  if (sign === '')
    throw new FailConditionError(
      `"${text}": the change needs a sign, e.g. ${metric}${operator}+${digits}${unitText} or ${metric}${operator}-${digits}${unitText}`,
    );
  const unit = units[unitText];
  if (unit === undefined) throw new FailConditionError(`"${text}": ${metric} changes are written in ${unitList}`);
  const magnitude = Number(digits) * unit.factor;
  return { text: written, metric, operator, scale: unit.scale, threshold: sign === '-' ? -magnitude : magnitude };
}

/** Whether the change of `comparison` satisfies the condition, significant or not. */
export function conditionHolds(condition: FailCondition, comparison: MetricComparison): boolean {
  const change = condition.scale === 'absolute' ? comparison.difference : relativeChange(comparison);
  return condition.operator === '>' ? change > condition.threshold : change < condition.threshold;
}

/** From a baseline of 0, any rise is an infinite relative rise. */
const relativeChange = ({ relative, difference }: MetricComparison): number => relative ?? (difference === 0 ? 0 : Math.sign(difference) * Infinity);

/** The gate fails only on a significant change: what two runs of the same code could show by chance must not fail a build. */
export function gateFails(condition: FailCondition, comparison: MetricComparison): boolean {
  return conditionHolds(condition, comparison) && comparison.verdict.tested && comparison.verdict.significant;
}
