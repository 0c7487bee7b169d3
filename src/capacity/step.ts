import { addSeconds } from '../result/merge-series.js';
import type { Plan } from '../plan/schema.js';
import type { RunHandle, RunOptions } from '../runner/run.js';
import { judge, observeSecond } from '../thresholds/evaluate.js';
import type { Threshold } from '../plan/threshold.js';
import type { CapacityStep } from './types.js';

/** A step whose generator sent less than this share of what fell due measured the generator. */
export const MIN_SENT_SHARE = 0.99;
/**
 * A target that falls behind a constant rate builds a queue, so its median latency climbs through
 * the step even when the step is too short for the p99 to cross the SLO: a last second's p50 above
 * this many times the first measured one (plus 1 ms) is a growing queue.
 */
const QUEUE_GROWTH_FACTOR = 2;
/** A second this far past a latency SLO ends the step at once: the target is already failing. */
const ABORT_FACTOR = 4;

export interface StepOptions {
  warmupMs: number;
  measureMs: number;
  slos: readonly Threshold[];
}

export type StartRun = (plan: Plan, options: RunOptions) => Promise<RunHandle>;

/** An open-model step: `ratePerSec` at a constant arrival rate, judged on the seconds after the warm-up. */
export async function measureStep(base: Plan, ratePerSec: number, options: StepOptions, startRun: StartRun, confirmation = false): Promise<CapacityStep> {
  const warmupSeconds = Math.ceil(options.warmupMs / 1000);
  const plan: Plan = {
    ...base,
    executor: { type: 'constant-arrival-rate', ratePerSec, durationMs: warmupSeconds * 1000 + options.measureMs },
    thresholds: [],
  };
  let abortedBy: string | undefined;
  let handle: RunHandle | undefined;
  const onSecond: RunOptions['onSecond'] = (sample) => {
    if (sample.second < warmupSeconds || abortedBy) return;
    const observed = observeSecond(sample, ratePerSec);
    for (const slo of options.slos) {
      const outcome = judge(slo, observed);
      if (outcome && !outcome.passed && outcome.unit === 'ms' && !judge({ ...slo, limit: scaled(slo, ABORT_FACTOR) }, observed)?.passed) {
        abortedBy = `${slo.expression} missed by ${ABORT_FACTOR}× in second ${sample.second + 1} (${outcome.actual} ms): stopped early`;
        handle?.stop('slo');
      }
    }
  };
  handle = await startRun(plan, { onSecond });
  const result = await handle.result;
  const measured = result.series.filter((sample) => sample.second >= warmupSeconds);
  // Rates are over the seconds that had sends due: the answers a queueing target still owes after the
  // last send add seconds to the series (their latency counts), not time at the step's rate.
  const scheduledEndSecond = warmupSeconds + options.measureMs / 1000;
  const seconds = Math.max(1, Math.min(measured.filter((sample) => sample.second < scheduledEndSecond).length, options.measureMs / 1000));
  const window = addSeconds(0, 0, measured);
  const observed = { ...observeSecond(window, ratePerSec), ratePerSec: window.completed / seconds };
  const p99Ms = window.latencyMs.p99;
  const ended = window.completed + window.failed;
  const errorsPercent = ended > 0 ? (100 * window.failed) / ended : 0;
  const achievedPerSec = window.completed / seconds;
  const sentShare = window.sent / (ratePerSec * seconds);
  const generatorLimited = !abortedBy && (sentShare < MIN_SENT_SHARE || result.summary.generator.saturated);
  const step = {
    ratePerSec,
    achievedPerSec: Math.round(achievedPerSec * 10) / 10,
    p99Ms,
    errorsPercent: Math.round(errorsPercent * 1000) / 1000,
    generatorLimited,
    ...(confirmation ? { confirmation } : {}),
  };
  if (generatorLimited) {
    const why = result.summary.generator.saturated
      ? `the generator was saturated (event-loop delay p99 ${result.summary.generator.eventLoopDelayMs.p99} ms)`
      : `the generator sent ${Math.round(sentShare * 1000) / 10}% of the requests due`;
    return { ...step, passed: false, reason: why };
  }
  if (abortedBy) return { ...step, passed: false, reason: abortedBy };
  const missed = options.slos
    .map((slo) => ({ slo, outcome: judge(slo, observed) }))
    .filter(({ outcome }) => outcome && !outcome.passed)
    .map(({ slo, outcome }) => `${slo.expression} (${outcome!.actual} ${outcome!.unit})`);
  if (missed.length > 0) return { ...step, passed: false, reason: `missed ${missed.join(', ')}` };
  const firstP50 = measured[0]?.latencyMs.p50 ?? 0;
  const lastP50 = measured.at(-1)?.latencyMs.p50 ?? 0;
  if (measured.length >= 2 && lastP50 > QUEUE_GROWTH_FACTOR * firstP50 + 1)
    return { ...step, passed: false, reason: `queue growing: p50 went from ${firstP50} to ${lastP50} ms within the step` };
  return { ...step, passed: true, reason: `met ${options.slos.map((slo) => slo.expression).join(', ')}` };
}

function scaled(slo: Threshold, factor: number): Threshold['limit'] {
  return slo.limit.unit === 'target' ? slo.limit : { ...slo.limit, value: slo.limit.value * factor };
}
