import type { RunResult } from '../../result/types.js';
import { formatCount, formatMs, formatRate, formatRatio, formatShare } from '../../units/format.js';
import { escapeHtml } from './escape.js';

interface Card {
  label: string;
  value: string;
  note: string;
  /** Colours the value: `bad` for failures, `warn` for the generator's own limits. */
  tone?: 'bad' | 'warn';
}

function cardsFor(result: RunResult): Card[] {
  const { requests, rate, latencyMs, scheduleLagMs, errors, generator, slowdown, serviceTimeMs } = result.summary;
  const due = requests.sent + requests.dropped;
  const errorCount = Object.values(errors).reduce((sum, count) => sum + count, 0);
  const causes = Object.entries(errors).map(([cause, count]) => `${cause} ${formatCount(count)}`);
  return [
    {
      label: 'sent',
      value: formatCount(requests.sent),
      note: `${formatRate(rate.sent)}${requests.interrupted ? `, ${formatCount(requests.interrupted)} cut off` : ''}`,
    },
    { label: 'completed', value: formatCount(requests.completed), note: 'status below 400' },
    {
      label: 'failed',
      value: formatCount(requests.failed),
      note: `${formatShare(requests.failed, requests.sent)} of sent`,
      ...(requests.failed ? { tone: 'bad' as const } : {}),
    },
    { label: 'dropped', value: formatCount(requests.dropped), note: 'due but never sent', ...(requests.dropped ? { tone: 'warn' as const } : {}) },
    {
      label: 'achieved rate',
      value: formatRate(rate.achieved),
      note: rate.target === null ? 'max throughput (no target)' : `target ${formatRate(rate.target)} (${formatShare(rate.achieved, rate.target)})`,
    },
    { label: 'p50 corrected', value: formatMs(latencyMs.corrected.p50), note: `uncorrected ${formatMs(latencyMs.uncorrected.p50)}` },
    { label: 'p99 corrected', value: formatMs(latencyMs.corrected.p99), note: `uncorrected ${formatMs(latencyMs.uncorrected.p99)}` },
    { label: 'errors', value: formatCount(errorCount), note: causes.length ? causes.join(', ') : 'none', ...(errorCount ? { tone: 'bad' as const } : {}) },
    { label: 'error rate', value: formatShare(errorCount, due), note: 'of requests due' },
    { label: 'schedule lag p99', value: formatMs(scheduleLagMs.p99), note: `max ${formatMs(scheduleLagMs.max)}` },
    ...(slowdown && serviceTimeMs
      ? [
          {
            label: 'slowdown p50',
            value: formatRatio(slowdown.p50),
            note: `p99 ${formatRatio(slowdown.p99)}, mean ${formatRatio(slowdown.mean)}: latency ÷ service time`,
          },
          {
            label: 'service time p50',
            value: formatMs(serviceTimeMs.p50),
            note: `p99 ${formatMs(serviceTimeMs.p99)}, from ${formatCount(slowdown.count)} answers`,
          },
        ]
      : []),
    ...warmupCards(result),
    {
      label: 'generator',
      value: `${generator.cpuPercent}% CPU`,
      note: `loop delay p99 ${formatMs(generator.eventLoopDelayMs.p99)}${generator.saturated ? ', saturated' : ''}`,
      ...(generator.saturated ? { tone: 'warn' as const } : {}),
    },
  ];
}

/** The warm-up, which every other card leaves out. */
function warmupCards({ plan, warmup }: RunResult): Card[] {
  if (!warmup) return [];
  return [
    {
      label: 'warm-up',
      value: formatMs(plan.warmupMs ?? 0),
      note: `${formatCount(warmup.requests.sent)} sent, p99 ${formatMs(warmup.latencyMs.corrected.p99)}: left out of every other card`,
    },
  ];
}

export function summaryCardsHtml(result: RunResult): string {
  const cards = cardsFor(result).map(
    (card) =>
      `<div class="card${card.tone ? ` ${card.tone}` : ''}" data-card="${escapeHtml(card.label)}"><div class="label">${escapeHtml(card.label)}</div>` +
      `<div class="value">${escapeHtml(card.value)}</div><div class="note">${escapeHtml(card.note)}</div></div>`,
  );
  return `<section class="cards" aria-label="summary">${cards.join('')}</section>`;
}
