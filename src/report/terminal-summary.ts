import { isVuExecutor, kindOf, type Executor } from '../plan/executors/index.js';
import { describeTarget, type Plan } from '../plan/schema.js';
import { nameOfSource } from '../result/bottleneck.js';
import type { Bottleneck, RunResult } from '../result/types.js';
import { splitDurationMs } from '../result/warmup.js';
import { NO_COLORS, type Palette } from './color.js';
import { breakdownLines } from './breakdown-table.js';
import { scenarioLines } from './scenario-table.js';
import { formatCount, formatMs, formatRate, formatRatio, formatShare, table } from '../units/format.js';
import { formatThresholdValue } from './threshold-value.js';

export function describeExecutor(executor: Executor): string {
  return kindOf(executor).describe(executor, formatRate);
}

/** The executor and the connections it may use, in one line. */
export function describeLoad(plan: Plan): string {
  const others = Object.keys(plan.scenarios ?? {});
  const alongside = others.length === 0 ? '' : ` (scenario main), with scenario${others.length === 1 ? '' : 's'} ${others.join(', ')} alongside`;
  return `${describeExecutor(plan.executor)}${isVuExecutor(plan.executor) ? ', one connection per user' : `, up to ${plan.connections} connections`}${alongside}`;
}

const LIMIT_NAMES: Record<Bottleneck['limit'], string> = {
  generator: 'the generator',
  connections: 'the connections',
  target: 'the target',
  network: 'the network',
};

/** The end-of-run summary as lines of text, colored only when given a palette. */
export function renderSummary(result: RunResult, palette: Palette = NO_COLORS): string[] {
  const { plan, summary } = result;
  const { requests, rate, latencyMs, scheduleLagMs, generator } = summary;
  const lines: string[] = [];
  lines.push(`salvo ${describeTarget(plan.target)}`);
  lines.push(`  ${describeLoad(plan)}`);
  if (result.interrupted) lines.push(`  interrupted (${result.interruptReason}) after ${formatMs(result.durationMs)}: the numbers cover the time it ran`);
  lines.push('');
  lines.push(
    ...table([
      ['requests', 'sent', 'completed', 'failed', 'dropped', ...(requests.interrupted ? ['interrupted'] : [])],
      [
        '',
        formatCount(requests.sent),
        formatCount(requests.completed),
        // The error rate beside the count, of requests sent: what an `errors<1%` threshold judges.
        `${formatCount(requests.failed)} (${formatShare(requests.failed, requests.sent)})`,
        formatCount(requests.dropped),
        ...(requests.interrupted ? [formatCount(requests.interrupted)] : []),
      ],
    ]),
  );
  // Virtual users send when they are ready (the closed model): there is no schedule to fall behind, so one latency says it all.
  const closedModel = isVuExecutor(plan.executor);
  const target = closedModel ? 'none (closed model)' : rate.target === null ? 'max' : formatRate(rate.target);
  lines.push(
    `  rate        target ${target}   achieved ${formatRate(rate.achieved)}   sent ${formatRate(rate.sent)}   over ${formatMs(splitDurationMs(result.durationMs, result.plan.warmupMs).measuredMs)}`,
  );
  lines.push(...warmupLines(result));
  lines.push('');
  const percentileRow = (name: string, p: typeof latencyMs.corrected): string[] => [name, ...[p.p50, p.p90, p.p99, p.p999, p.max, p.mean].map(formatMs)];
  lines.push(
    ...table([
      ['latency', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'],
      ...(closedModel
        ? [percentileRow('from send to response', latencyMs.uncorrected)]
        : [percentileRow('corrected (from intended send)', latencyMs.corrected), percentileRow('uncorrected (from actual send)', latencyMs.uncorrected)]),
    ]),
  );
  if (!closedModel) lines.push(`  schedule lag   p50 ${formatMs(scheduleLagMs.p50)}   p99 ${formatMs(scheduleLagMs.p99)}   max ${formatMs(scheduleLagMs.max)}`);
  lines.push(...slowdownLines(result));
  const errors = Object.entries(summary.errors);
  lines.push('');
  lines.push(
    `  errors      ${errors.length === 0 ? 'none' : `${errors.map(([cause, count]) => `${cause} ${formatCount(count)}`).join('   ')}   (${formatShare(requests.failed, requests.sent)} of sent failed)`}`,
  );
  const codes = Object.entries(summary.statusCodes);
  if (codes.length > 0) lines.push(`  status      ${codes.map(([code, count]) => `${code} ${formatCount(count)}`).join('   ')}`);
  lines.push(
    `  generator   CPU ${generator.cpuPercent}%${(generator.waitingForCorePercent ?? 0) >= 1 ? ` (+${generator.waitingForCorePercent}% waiting for a core)` : ''}   event-loop delay p99 ${formatMs(generator.eventLoopDelayMs.p99)}${generator.saturated ? '   SATURATED' : ''}${turbofan(generator.turbofanFromMs)}`,
  );
  if (result.workers)
    lines.push(
      `  workers     ${result.workers.count} threads, main thread ${result.workers.mainBusyPercent}% busy joining them, ${formatMs(result.workers.mergeMs)} merging`,
    );
  lines.push(...sourceLines(result));
  lines.push(...scenarioLines(result));
  lines.push(...breakdownLines(result));
  if (result.targetStatistics) {
    // The target's own numbers, since it started: not only this run's when it served runs before.
    const statistics = Object.entries(result.targetStatistics).map(
      ([name, value]) => `${name} ${Number.isInteger(value) ? formatCount(value) : value.toFixed(2)}`,
    );
    lines.push('', `  target's own statistics (since it started)   ${statistics.join('   ')}`);
  }
  for (const warning of summary.warnings) lines.push(palette.yellow(`  warning: ${warning}`));
  if (summary.bottleneck) {
    const { limit, evidence, remedy } = summary.bottleneck;
    lines.push(palette.yellow(`  limit: ${LIMIT_NAMES[limit]}: ${evidence}`), palette.yellow(`    remedy: ${remedy}`));
  }
  lines.push(...thresholdLines(result, palette));
  return lines;
}

/** Latency ÷ service time, when answers carried their service time. */
function slowdownLines({ summary: { slowdown, serviceTimeMs } }: RunResult): string[] {
  if (!slowdown || !serviceTimeMs) return [];
  return [
    `  slowdown    p50 ${formatRatio(slowdown.p50)}   p90 ${formatRatio(slowdown.p90)}   p99 ${formatRatio(slowdown.p99)}   mean ${formatRatio(slowdown.mean)}   (latency ÷ service time, ${formatCount(slowdown.count)} answers)`,
    `  service time   p50 ${formatMs(serviceTimeMs.p50)}   p99 ${formatMs(serviceTimeMs.p99)}   mean ${formatMs(serviceTimeMs.mean)}   (as the target reported it)`,
  ];
}

/** What the warm-up held, which every number above leaves out. */
function warmupLines({ plan, warmup }: RunResult): string[] {
  if (warmup === undefined) return [];
  const { requests, latencyMs } = warmup;
  const latency = isVuExecutor(plan.executor) ? latencyMs.uncorrected : latencyMs.corrected;
  return [
    `  warm-up     first ${formatMs(plan.warmupMs ?? 0)} left out of every number here: ${formatCount(requests.sent)} sent, ${formatCount(requests.completed)} completed, ${formatCount(requests.failed)} failed, ${formatCount(requests.dropped)} dropped   latency p50 ${formatMs(latency.p50)}   p99 ${formatMs(latency.p99)}`,
  ];
}

function turbofan(fromMs: number | undefined): string {
  if (fromMs === undefined) return '';
  return fromMs === 0 ? '   TurboFan on' : `   TurboFan on from ${formatMs(fromMs)} (it fell behind without)`;
}

/** The health of each generator a merged or multi-threaded result was made from, to see which one struggled. */
function sourceLines({ sources }: RunResult): string[] {
  if (sources === undefined || sources.length < 2) return [];
  const rows = sources.map((source, index) => [
    nameOfSource(source) ?? `input ${index + 1}`,
    `CPU ${source.generator.cpuPercent}%`,
    `event-loop delay p99 ${formatMs(source.generator.eventLoopDelayMs.p99)}`,
    source.scheduleLagMs ? `schedule lag p99 ${formatMs(source.scheduleLagMs.p99)}` : '',
  ]);
  return table(rows, '    ');
}

/** Each threshold with ✓ or ✗ and the value it was judged on. */
function thresholdLines(result: RunResult, palette: Palette): string[] {
  if (result.thresholds === undefined) {
    // Results written before thresholds existed have none in their plan.
    const planned = result.plan.thresholds?.length ?? 0;
    return planned > 0 ? ['', `  thresholds  not judged: the run was interrupted (${result.interruptReason})`] : [];
  }
  const rows = result.thresholds.map(({ expression, actual, unit, second, abortedRun }) => [
    expression,
    formatThresholdValue(unit, actual),
    second === undefined ? '' : `in ${second}s-${second + 1}s${abortedRun ? ', which ended the run' : ''}`,
  ]);
  const marks = result.thresholds.map(({ passed }) => (passed ? palette.green('✓') : palette.red('✗')));
  return ['', '  thresholds', ...table(rows, '').map((line, index) => `    ${marks[index]} ${line}`)];
}
