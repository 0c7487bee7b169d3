import { Counter, Gauge, Registry, type Metric, type RegistryContentType } from 'prom-client';
import type { Histogram } from 'hdr-histogram-js';
import { causeOfStatus } from '../../metrics/causes.js';
import type { RecorderTotals, TallyState } from '../../metrics/tally.js';
import type { MeasuredPart } from '../../runner/run.js';
import { addHistogram, BUCKET_BOUNDS_SECONDS, emptyBucketCounts, type BucketCounts } from './buckets.js';

/** What the endpoint reads at each scrape: the run's counts so far and its state now. */
export interface MetricsSource {
  measuredSoFar(): MeasuredPart[];
  inFlight(): number;
  /** The arrival rate asked for now; null when the run has none (max throughput, virtual users). */
  targetRatePerSec(): number | null;
  /** Whether the run has ended, so that what the endpoint shows is the result's final count. */
  finished(): boolean;
}

/** Labels on every series: the run's id, and its shard ("2/8") when it is one. */
export interface RunLabels {
  run_id: string;
  shard?: string;
}

type Labels = Record<string, string>;
type Sample = { labels: Labels; value: number; metricName?: string };

/** Each tally of the measured parts, warm-up included, with the scenario it belongs to. */
function talliesOf(parts: readonly MeasuredPart[]): { scenario: string; tally: TallyState }[] {
  return parts.flatMap(({ scenario, state }) => [state.measured, ...(state.warmup ? [state.warmup] : [])].map((tally) => ({ scenario, tally })));
}

/**
 * Requests answered or failed, by status and cause: a status code's answers carry the cause it makes
 * (http4xx, http5xx) or none; failures without an answer carry their cause and no status; answers
 * without a status (raw TCP, gRPC OK) neither. Dropped requests are not here: they were never sent.
 */
function requestSamples(scenario: string, totals: RecorderTotals): Sample[] {
  const samples: Sample[] = [];
  let completedWithStatus = 0;
  for (const [status, count] of Object.entries(totals.statusCodes)) {
    const cause = status === 'other' ? 'http5xx' : (causeOfStatus(Number(status)) ?? '');
    if (cause === '') completedWithStatus += count;
    samples.push({ labels: { scenario, status, cause }, value: count });
  }
  for (const [cause, count] of Object.entries(totals.errors)) {
    if (cause !== 'http4xx' && cause !== 'http5xx' && cause !== 'dropped') samples.push({ labels: { scenario, status: '', cause }, value: count });
  }
  const completedWithoutStatus = totals.completed - completedWithStatus;
  if (completedWithoutStatus > 0) samples.push({ labels: { scenario, status: '', cause: '' }, value: completedWithoutStatus });
  return samples;
}

/** Fills a counter or gauge with exactly these values at a scrape (a counter has no `set`: it is reset, then raised to each). */
function fill(metric: Counter | Gauge, samples: readonly Sample[]): void {
  metric.reset();
  for (const { labels, value } of samples) metric.inc(labels, value);
}

/** Adds samples with the same labels: the parts of one scenario (worker threads) make one series. */
function summed(samples: readonly Sample[]): Sample[] {
  const byLabels = new Map<string, Sample>();
  for (const sample of samples) {
    const key = JSON.stringify(sample.labels);
    const seen = byLabels.get(key);
    if (seen) seen.value += sample.value;
    else byLabels.set(key, { ...sample });
  }
  return [...byLabels.values()];
}

/**
 * A Prometheus histogram filled from HdrHistograms at each scrape. prom-client's own Histogram counts
 * one observed value per call; these counts arrive already bucketed (every request, recorded by the
 * run itself), so this is a custom collector: prom-client's registry still writes the exposition.
 */
function bucketedHistogram(name: string, help: string, read: (tally: TallyState) => Histogram, source: MetricsSource) {
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const byScenario = new Map<string, BucketCounts>();
      for (const { scenario, tally } of talliesOf(source.measuredSoFar())) {
        const counts = byScenario.get(scenario) ?? emptyBucketCounts();
        addHistogram(counts, read(tally));
        byScenario.set(scenario, counts);
      }
      const values: Sample[] = [...byScenario].flatMap(([scenario, counts]) => [
        ...BUCKET_BOUNDS_SECONDS.map((bound, index) => ({
          metricName: `${name}_bucket`,
          labels: { scenario, le: String(bound) },
          value: counts.cumulative[index]!,
        })),
        { metricName: `${name}_bucket`, labels: { scenario, le: '+Inf' }, value: counts.count },
        { metricName: `${name}_sum`, labels: { scenario }, value: counts.sumSeconds },
        { metricName: `${name}_count`, labels: { scenario }, value: counts.count },
      ]);
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
    reset() {},
  };
}

/** The run's metrics in a registry of their own, read from `source` at each scrape; `contentType` picks the text format. */
export function runRegistry(source: MetricsSource, labels: RunLabels, contentType: RegistryContentType): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(contentType);
  registry.setDefaultLabels({ ...labels });
  const registers = [registry];
  new Counter({
    name: 'salvo_requests_total',
    help: 'Requests answered or failed, by HTTP status and error cause (empty when none); dropped requests are in salvo_dropped_total.',
    labelNames: ['scenario', 'status', 'cause'],
    registers,
    collect() {
      fill(this, summed(talliesOf(source.measuredSoFar()).flatMap(({ scenario, tally }) => requestSamples(scenario, tally.totals()))));
    },
  });
  new Counter({
    name: 'salvo_sent_total',
    help: 'Requests sent.',
    labelNames: ['scenario'],
    registers,
    collect() {
      fill(this, summed(talliesOf(source.measuredSoFar()).map(({ scenario, tally }) => ({ labels: { scenario }, value: tally.totals().sent }))));
    },
  });
  new Counter({
    name: 'salvo_dropped_total',
    help: 'Requests due but never sent, by why: the queue was full (queueFull), their batch started too late (lateBatch), the run ended first (unsentAtEnd).',
    labelNames: ['scenario', 'reason'],
    registers,
    collect() {
      const samples = talliesOf(source.measuredSoFar()).flatMap(({ scenario, tally }) =>
        Object.entries(tally.totals().droppedBy).map(([reason, value]) => ({ labels: { scenario, reason }, value })),
      );
      fill(this, summed(samples));
    },
  });
  new Gauge({
    name: 'salvo_inflight',
    help: 'Requests sent and not yet answered.',
    registers,
    collect() {
      this.set(source.inFlight());
    },
  });
  new Gauge({
    name: 'salvo_target_rate',
    help: 'The arrival rate asked for, requests per second (absent for max throughput and virtual users).',
    registers,
    collect() {
      const rate = source.targetRatePerSec();
      this.reset();
      if (rate !== null) this.set(rate);
    },
  });
  new Gauge({
    name: 'salvo_run_finished',
    help: '1 once the run has ended: the counters then hold the final counts of its result.',
    registers,
    collect() {
      this.set(source.finished() ? 1 : 0);
    },
  });
  new Counter({
    name: 'salvo_generator_cpu_seconds_total',
    help: "CPU time of the generator's process (every worker thread included), user and system.",
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      this.reset();
      this.inc((user + system) / 1e6);
    },
  });
  const histograms = [
    bucketedHistogram(
      'salvo_latency_seconds',
      'Corrected latency: from when each request was due to its answer, what a user arriving on schedule saw.',
      (tally) => tally.corrected,
      source,
    ),
    bucketedHistogram(
      'salvo_uncorrected_latency_seconds',
      'Uncorrected latency: from when each request was actually sent to its answer.',
      (tally) => tally.uncorrected,
      source,
    ),
    bucketedHistogram(
      'salvo_schedule_lag_seconds',
      'How late each request was sent after it was due: queueing in the generator and its own lateness.',
      (tally) => tally.scheduleLag,
      source,
    ),
  ];
  for (const histogram of histograms) registry.registerMetric(histogram as unknown as Metric);
  return registry;
}
