import { decodeHistogram } from '../../metrics/histogram.js';
import type { RunResult } from '../../result/types.js';
import type { ChartSeries, ChartSpec } from './chart-spec.js';
import { controlCharts } from './control-charts.js';
import { percentileAxis, percentileLabel, valuesAtPercentilesMs } from './percentile-curve.js';

/** One colour per meaning, the same in every chart. */
const COLOR = {
  sent: '#64748b',
  completed: '#16a34a',
  target: '#94a3b8',
  failed: '#dc2626',
  dropped: '#ea580c',
  p50: '#2563eb',
  p99: '#9333ea',
  max: '#dc2626',
  corrected: '#2563eb',
  uncorrected: '#f59e0b',
  scheduleLag: '#0d9488',
  users: '#0f172a',
};

/** User types take these in order, as Locust's UI colours its lines; past the last they start over. */
const USER_TYPE_COLORS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#65a30d', '#b45309'];

/** Every chart of the report, in page order. */
export function chartsFor(result: RunResult): ChartSpec[] {
  const control = result.control ? controlCharts(result.control) : [];
  return [
    throughputChart(result),
    ...activeUsersChart(result),
    ...control,
    errorsChart(result),
    latencyOverTimeChart(result),
    latencyDistributionChart(result),
    scheduleLagChart(result),
  ];
}

type Described = Pick<ChartSpec, 'id' | 'title' | 'caption' | 'unit'>;

function overTime(result: RunResult, spec: Described & Pick<ChartSpec, 'series'>): ChartSpec {
  const seconds = result.series.map((sample) => sample.second);
  return { ...spec, xTitle: 'second of the run', xAxis: { kind: 'seconds' }, x: seconds, xLabels: seconds.map((second) => `${second}–${second + 1} s`) };
}

function throughputChart(result: RunResult): ChartSpec {
  const { series } = result;
  const target = result.summary.rate.target;
  const lines: ChartSeries[] = [
    { label: 'sent', color: COLOR.sent, values: series.map((sample) => sample.sent) },
    { label: 'completed', color: COLOR.completed, values: series.map((sample) => sample.completed) },
  ];
  if (target !== null) lines.push({ label: 'target', color: COLOR.target, dashed: true, values: series.map(() => target) });
  return overTime(result, {
    id: 'throughput',
    title: 'Throughput',
    caption: 'Requests sent and completed (status below 400) in each second.',
    unit: 'req/s',
    series: lines,
  });
}

/** A closed-model run's users over time, one line per user type and their total: none for an open-model run. */
function activeUsersChart(result: RunResult): ChartSpec[] {
  const typeNames = [...new Set(result.series.flatMap((sample) => Object.keys(sample.users ?? {})))];
  if (typeNames.length === 0) return [];
  const byType: ChartSeries[] = typeNames.map((name, index) => ({
    label: name,
    color: USER_TYPE_COLORS[index % USER_TYPE_COLORS.length]!,
    values: result.series.map((sample) => sample.users?.[name] ?? 0),
  }));
  const total: ChartSeries = {
    label: 'all users',
    color: COLOR.users,
    dashed: true,
    values: result.series.map((sample) => Object.values(sample.users ?? {}).reduce((sum, count) => sum + count, 0)),
  };
  return [
    overTime(result, {
      id: 'active-users',
      title: 'Active users',
      caption: 'Virtual users running as each second ended, by user type.',
      unit: 'users',
      series: typeNames.length > 1 ? [...byType, total] : byType,
    }),
  ];
}

function errorsChart(result: RunResult): ChartSpec {
  return overTime(result, {
    id: 'errors',
    title: 'Errors over time',
    caption: 'Requests that failed (any cause, 4xx/5xx included) and requests dropped before sending, per second.',
    unit: 'req/s',
    series: [
      { label: 'failed', color: COLOR.failed, values: result.series.map((sample) => sample.failed) },
      { label: 'dropped', color: COLOR.dropped, values: result.series.map((sample) => sample.dropped) },
    ],
  });
}

function latencyOverTimeChart(result: RunResult): ChartSpec {
  // A second in which no answer arrived has no latency: a gap, not a misleading zero.
  const answered = (sample: RunResult['series'][number], value: number): number | null => (sample.completed + sample.failed > 0 ? value : null);
  return overTime(result, {
    id: 'latency-over-time',
    title: 'Latency over time',
    caption: 'Corrected latency (from the intended send time) of the answers that arrived in each second.',
    unit: 'ms',
    series: (['p50', 'p99', 'max'] as const).map((key) => ({
      label: key,
      color: COLOR[key],
      values: result.series.map((sample) => answered(sample, sample.latencyMs[key])),
    })),
  });
}

function distributionChart(spec: Described, curves: { label: string; color: string; encoded: string }[]): ChartSpec {
  const histograms = curves.map((curve) => decodeHistogram(curve.encoded));
  const axis = percentileAxis(Math.max(...histograms.map((histogram) => histogram.totalCount)));
  const series = curves.map((curve, index) => ({ label: curve.label, color: curve.color, values: valuesAtPercentilesMs(histograms[index]!, axis) }));
  for (const histogram of histograms) histogram.destroy();
  return { ...spec, xTitle: 'percentile', xAxis: { kind: 'percentile', ticks: axis.ticks }, x: axis.x, xLabels: axis.percentiles.map(percentileLabel), series };
}

function latencyDistributionChart(result: RunResult): ChartSpec {
  return distributionChart(
    {
      id: 'latency-distribution',
      title: 'Latency distribution',
      caption: 'Every percentile of the whole run. Corrected counts from when each request should have been sent; uncorrected from when it was.',
      unit: 'ms',
    },
    [
      { label: 'corrected', color: COLOR.corrected, encoded: result.histograms.corrected },
      { label: 'uncorrected', color: COLOR.uncorrected, encoded: result.histograms.uncorrected },
    ],
  );
}

function scheduleLagChart(result: RunResult): ChartSpec {
  return distributionChart(
    {
      id: 'schedule-lag',
      title: 'Schedule lag',
      caption: 'How late each request was sent: waiting for a free connection plus the generator’s own lateness.',
      unit: 'ms',
    },
    [{ label: 'schedule lag', color: COLOR.scheduleLag, encoded: result.histograms.scheduleLag }],
  );
}
