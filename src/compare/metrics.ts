export type MetricUnit = 'ms' | 'req/s' | '%';

interface MetricDefinition {
  label: string;
  unit: MetricUnit;
  /** Latency percentiles only: the percentile the bootstrap resamples (max is the 100th). */
  percentile?: number;
}

/** What `salvo compare` compares, in display order; the keys are the names `--fail-if` takes. */
export const METRICS = {
  rate: { label: 'throughput', unit: 'req/s' },
  errors: { label: 'error rate', unit: '%' },
  p50: { label: 'latency p50', unit: 'ms', percentile: 50 },
  p90: { label: 'latency p90', unit: 'ms', percentile: 90 },
  p99: { label: 'latency p99', unit: 'ms', percentile: 99 },
  p999: { label: 'latency p99.9', unit: 'ms', percentile: 99.9 },
  max: { label: 'latency max', unit: 'ms', percentile: 100 },
  mean: { label: 'latency mean', unit: 'ms' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export const isMetricName = (name: string): name is MetricName => Object.hasOwn(METRICS, name);
