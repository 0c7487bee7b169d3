export const LATENCY_STATS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
import { SalvoError, type SalvoErrorOptions } from '../errors.js';
/** Schedule lag is summarized by these three only (Summary.scheduleLagMs). */
const LAG_STATS = ['p50', 'p99', 'max'] as const;

export const LATENCY_METRICS = [
  ...LATENCY_STATS,
  ...LATENCY_STATS.map((stat) => `uncorrected.${stat}` as const),
  ...LAG_STATS.map((stat) => `lag.${stat}` as const),
];
export type LatencyMetric = (typeof LATENCY_METRICS)[number];
export type Metric = LatencyMetric | 'errors' | 'dropped' | 'rate';

export type Operator = '<' | '<=' | '>' | '>=' | '==';

/** The right-hand side, normalized: latencies in ms, rates in req/s or as a multiple of the target rate. */
export type Limit = { unit: 'ms' | 'count' | '%' | 'req/s'; value: number } | { unit: 'target'; factor: number };

export interface Threshold {
  expression: string;
  metric: Metric;
  operator: Operator;
  limit: Limit;
}

/** An expression that does not follow the grammar; the message is one line that names the problem. */
export class ThresholdSyntaxError extends SalvoError {
  override name = 'ThresholdSyntaxError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_THRESHOLD_SYNTAX', message, options);
  }
}

const METRICS = new Set<string>([...LATENCY_METRICS, 'errors', 'dropped', 'rate']);
const METRIC_CHOICES = 'p50 p90 p99 p999 max mean, uncorrected.<same>, lag.p50 lag.p99 lag.max, errors, dropped or rate';
const OPERATORS = '<, <=, >, >= or ==';
/** Powers of ten from each unit to ms, applied to the digits so "1.1s" is exactly 1100. */
const LATENCY_UNIT_EXPONENTS = new Map([
  ['ms', 0],
  ['s', 3],
  ['us', -3],
  ['µs', -3],
]);
const NUMBER = /\d+(?:\.\d+)?|\.\d+/;

/**
 * Parses a k6-style threshold such as `p99<250ms`, `errors<1%`, `dropped==0` or `rate>=0.99*target`.
 * Latencies default to ms; `errors` and `dropped` are counts, or percentages with `%`.
 */
export function parseThreshold(expression: string): Threshold {
  const fail = (problem: string): never => {
    throw new ThresholdSyntaxError(`threshold "${expression}": ${problem}`);
  };
  let at = 0;
  const take = (pattern: RegExp): string | undefined => {
    const sticky = new RegExp(`\\s*(?:${pattern.source})`, 'y');
    sticky.lastIndex = at;
    const match = sticky.exec(expression);
    if (!match) return undefined;
    at = sticky.lastIndex;
    return match[0].trim();
  };

  const name = take(/[A-Za-z_][\w.]*/);
  if (name === undefined) return fail(`expected a metric (${METRIC_CHOICES})`);
  if (!METRICS.has(name)) return fail(`unknown metric "${name}" (expected ${METRIC_CHOICES})`);
  const metric = name as Metric;

  const operator = take(/<=|>=|==|<|>/) as Operator | undefined;
  if (operator === undefined) {
    const stray = take(/[=!]+/);
    return fail(stray === undefined ? `expected an operator (${OPERATORS}) after "${name}"` : `unknown operator "${stray}" (use ${OPERATORS})`);
  }

  const limit = metric === 'rate' ? rateLimit() : countOrLatencyLimit();
  const rest = expression.slice(at).trim();
  if (rest !== '') fail(`unexpected "${rest}" after "${expression.slice(0, at).trim()}"`);
  return { expression, metric, operator, limit };

  function rateLimit(): Limit {
    if (take(/target\b/) !== undefined) return { unit: 'target', factor: 1 };
    const digits = take(NUMBER) ?? fail(`expected a number or "target" after "${operator}"`);
    if (take(/\*/) !== undefined) {
      if (take(/target\b/) === undefined) fail(`expected "target" after "${digits}*"`);
      return { unit: 'target', factor: Number(digits) };
    }
    const unit = take(/[^\s\d.]+/);
    if (unit !== undefined) fail(`rate takes requests per second (1000), a multiple of the target (0.99*target) or "target", not "${unit}"`);
    return { unit: 'req/s', value: Number(digits) };
  }

  function countOrLatencyLimit(): Limit {
    const digits = take(NUMBER) ?? fail(`expected a number after "${operator}"`);
    const unit = take(/%|[A-Za-zµ]+/);
    if (metric === 'errors' || metric === 'dropped') {
      if (unit === undefined) return { unit: 'count', value: Number(digits) };
      if (unit === '%') {
        const value = Number(digits);
        if (value > 100) fail(`${metric} is a share of the requests: ${digits}% is more than all of them (give 0–100%)`);
        return { unit: '%', value };
      }
      return fail(`${metric} takes a count (5) or a percentage (1%), not "${unit}"`);
    }
    if (unit === '%') return fail(`${metric} is a latency: give it in ms, s or us, not %`);
    const exponent = LATENCY_UNIT_EXPONENTS.get(unit ?? 'ms') ?? fail(`unknown unit "${unit}" after "${digits}" (expected ms, s or us)`);
    return { unit: 'ms', value: Number(`${digits}e${exponent}`) };
  }
}
