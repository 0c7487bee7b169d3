import { kneeOf } from './knee.js';
import type { CapacityResult, CapacityStep } from './types.js';

export interface SearchOptions {
  /** The first rate tried. */
  startRatePerSec: number;
  /** Never tried above this. */
  maxRatePerSec: number;
  /** The search stops when the last failing rate is within this share above the last passing one. */
  precision: number;
  /** No step starts once this much time has gone. */
  budgetMs: number;
  /** Each step's length, warm-up included: a step that would not fit in the budget is not started. */
  stepMs: number;
  slos: string[];
}

/** Runs one step at a rate; `confirmation` marks the run at the answer. */
export type MeasureStep = (ratePerSec: number, confirmation: boolean) => Promise<CapacityStep>;

/**
 * Finds the highest rate a target sustains within its SLOs: doubling from the start rate until a
 * step fails, then halving the interval between the last passing and the first failing rate, then
 * a confirmation run at the answer (which, if it fails, lowers the answer and is run again). A
 * generator-limited step ends the climb: the target may take more, but this generator cannot show
 * it, and the answer stays at the last rate it did show. Failing rates are never tried again nor
 * exceeded, so a failing target is not hammered.
 */
export async function searchCapacity(options: SearchOptions, measure: MeasureStep, nowMs: () => number): Promise<CapacityResult> {
  const startedMs = nowMs();
  const steps: CapacityStep[] = [];
  const fits = (): boolean => nowMs() - startedMs + options.stepMs <= options.budgetMs;
  let good = 0;
  let bad = Infinity;
  let stoppedBecause = '';
  const tryRate = async (ratePerSec: number, confirmation = false): Promise<CapacityStep> => {
    const step = await measure(round(ratePerSec), confirmation);
    steps.push(step);
    if (step.passed) good = Math.max(good, step.ratePerSec);
    else bad = Math.min(bad, step.ratePerSec);
    return step;
  };

  // Climb: double until a step fails or the max rate passes.
  for (let rate = Math.min(options.startRatePerSec, options.maxRatePerSec); ; rate = Math.min(rate * 2, options.maxRatePerSec)) {
    if (!fits()) return finish('the time budget ran out while climbing');
    const step = await tryRate(rate);
    if (step.generatorLimited) {
      stoppedBecause = `the generator could not send ${step.ratePerSec} req/s: the target's capacity may be higher`;
      break;
    }
    if (!step.passed) break;
    if (rate >= options.maxRatePerSec) return confirmAndFinish(`--max-rate ${options.maxRatePerSec} req/s passed`);
  }

  // Bisect between the last passing rate (or none) and the first failing one.
  while (bad / Math.max(good, 1e-9) > 1 + options.precision) {
    const next = round(good === 0 ? bad / 2 : (good + bad) / 2);
    // Rates are whole requests per second (tenths below 10): the interval cannot narrow further.
    if (next <= good || next >= bad || next < 0.1) break;
    if (!fits()) return confirmAndFinish('the time budget ran out while narrowing');
    const step = await tryRate(next);
    if (step.generatorLimited) {
      stoppedBecause ||= `the generator could not send ${step.ratePerSec} req/s`;
      bad = Math.min(bad, step.ratePerSec);
    }
  }
  return confirmAndFinish(stoppedBecause || `precision reached: ${good} req/s passed, ${bad} req/s failed`);

  async function confirmAndFinish(why: string): Promise<CapacityResult> {
    // The answer is run again, warm-up and all; a failure lowers it by the precision, a few times at most.
    for (let attempt = 0; attempt < 3 && good > 0; attempt++) {
      if (!fits()) return finish(`${why}; the time budget left no room to confirm ${good} req/s`);
      const step = await tryRate(good, true);
      if (step.passed) return finish(why);
      good = round(step.ratePerSec * (1 - options.precision));
      bad = step.ratePerSec;
      // tryRate leaves `good` at the highest rate that ever passed; the confirmation overrules it.
      steps.at(-1)!.reason = `confirmation failed: ${step.reason}`;
    }
    return finish(good > 0 ? `${why}; confirmation kept failing, ${good} req/s is untried` : why);
  }

  function finish(why: string): CapacityResult {
    return {
      sustainableRatePerSec: good,
      kneeRatePerSec: kneeOf(steps),
      slos: options.slos,
      steps,
      stoppedBecause: why,
      durationMs: nowMs() - startedMs,
    };
  }
}

/** Rates are tried in whole requests per second above 10, to a tenth below. */
function round(ratePerSec: number): number {
  return ratePerSec >= 10 ? Math.round(ratePerSec) : Math.round(ratePerSec * 10) / 10;
}
