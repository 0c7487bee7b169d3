import { encodeHistogram, secondLatencyMs } from '../metrics/histogram.js';
import type { SecondSample } from '../metrics/recorder.js';
import { sumCounts, sumHistograms } from './merge-parts.js';

const wallSecondOf = (sample: SecondSample): number => Math.floor(sample.startEpochMs / 1000);

/**
 * Joins the per-second series of runs that ran side by side. Seconds are aligned by the wall-clock
 * second they started in, so inputs started within the same second add up; each merged second is
 * labelled by that wall-clock second, and seconds no input covered are kept, empty, so that index
 * and `second` stay equal.
 */
export function mergeSeries(seriesOfEachRun: readonly SecondSample[][], align: 'wall' | 'run' = 'wall'): SecondSample[] {
  if (align === 'run') return mergeByRunSecond(seriesOfEachRun);
  const byWallSecond = new Map<number, SecondSample[]>();
  for (const sample of seriesOfEachRun.flat()) {
    const samples = byWallSecond.get(wallSecondOf(sample));
    if (samples) samples.push(sample);
    else byWallSecond.set(wallSecondOf(sample), [sample]);
  }
  if (byWallSecond.size === 0) return [];
  const first = Math.min(...byWallSecond.keys());
  const last = Math.max(...byWallSecond.keys());
  const merged: SecondSample[] = [];
  for (let wallSecond = first; wallSecond <= last; wallSecond++)
    merged.push(addSeconds(wallSecond - first, wallSecond * 1000, byWallSecond.get(wallSecond) ?? []));
  return merged;
}

/** One second made of the samples of the runs that ran it side by side: counts and histograms added. */
export function addSeconds(second: number, startEpochMs: number, samples: readonly SecondSample[]): SecondSample {
  const histogram = sumHistograms(samples.map((sample) => sample.histogram));
  const total = (field: 'sent' | 'completed' | 'failed' | 'dropped'): number => samples.reduce((sum, sample) => sum + sample[field], 0);
  return {
    second,
    startEpochMs,
    sent: total('sent'),
    completed: total('completed'),
    failed: total('failed'),
    dropped: total('dropped'),
    errors: sumCounts(samples.map((sample) => sample.errors)),
    latencyMs: secondLatencyMs(histogram),
    histogram: encodeHistogram(histogram),
    ...(samples.some((sample) => sample.warmup) ? { warmup: true as const } : {}),
    ...uncorrectedMean(samples),
    ...worstBehind(samples),
    ...usersOf(samples),
    ...uncorrectedOf(samples),
  };
}

/** Live seconds' uncorrected latencies, added like the corrected ones. */
function uncorrectedOf(samples: readonly SecondSample[]): Pick<SecondSample, 'uncorrectedHistogram'> {
  const encoded = samples.flatMap(({ uncorrectedHistogram }) => (uncorrectedHistogram === undefined ? [] : [uncorrectedHistogram]));
  return encoded.length > 0 ? { uncorrectedHistogram: encodeHistogram(sumHistograms(encoded)) } : {};
}

/** The mean over every input's responses, each input weighted by how many it answered. */
function uncorrectedMean(samples: readonly SecondSample[]): Pick<SecondSample, 'uncorrectedMeanMs'> {
  let weightedMs = 0;
  let responses = 0;
  for (const { uncorrectedMeanMs, completed, failed } of samples) {
    if (uncorrectedMeanMs === undefined) continue;
    weightedMs += uncorrectedMeanMs * (completed + failed);
    responses += completed + failed;
  }
  return responses > 0 ? { uncorrectedMeanMs: Math.round((weightedMs / responses) * 1000) / 1000 } : {};
}

/** Users of runs side by side add up, type by type. */
function usersOf(samples: readonly SecondSample[]): Pick<SecondSample, 'users'> {
  const running = samples.flatMap((sample) => (sample.users ? [sample.users] : []));
  return running.length > 0 ? { users: sumCounts(running) } : {};
}

function worstBehind(samples: readonly SecondSample[]): Pick<SecondSample, 'behind'> {
  const behind = samples.reduce<SecondSample['behind']>((worst, { behind }) => (behind && behind.ms > (worst?.ms ?? 0) ? behind : worst), undefined);
  return behind ? { behind } : {};
}

/**
 * Joins the series of shards of one schedule second by second of their own run: second k of every
 * shard holds the same stretch of the global schedule, even when their starts straddle a wall-clock
 * second by a few ms. Each merged second starts at the earliest of its inputs.
 */
function mergeByRunSecond(seriesOfEachRun: readonly SecondSample[][]): SecondSample[] {
  const bySecond: SecondSample[][] = [];
  for (const sample of seriesOfEachRun.flat()) (bySecond[sample.second] ??= []).push(sample);
  return Array.from(bySecond, (samples = [], second) =>
    addSeconds(second, samples.length > 0 ? Math.min(...samples.map((sample) => sample.startEpochMs)) : mergedStart(bySecond, second), samples),
  );
}

/** The start of a second no shard covered: one second after the one before it. */
function mergedStart(bySecond: readonly (SecondSample[] | undefined)[], second: number): number {
  for (let before = second - 1; before >= 0; before--) {
    const samples = bySecond[before];
    if (samples && samples.length > 0) return Math.min(...samples.map((sample) => sample.startEpochMs)) + (second - before) * 1000;
  }
  return 0;
}
