import { encodeHistogram, percentilesMs } from '../metrics/histogram.js';
import type { SecondSample } from '../metrics/recorder.js';
import { sumCounts, sumHistograms } from './merge-parts.js';

const wallSecondOf = (sample: SecondSample): number => Math.floor(sample.startEpochMs / 1000);

/**
 * Joins the per-second series of runs that ran side by side. Seconds are aligned by the wall-clock
 * second they started in, so inputs started within the same second add up; each merged second is
 * labelled by that wall-clock second, and seconds no input covered are kept, empty, so that index
 * and `second` stay equal.
 */
export function mergeSeries(seriesOfEachRun: readonly SecondSample[][]): SecondSample[] {
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
  for (let wallSecond = first; wallSecond <= last; wallSecond++) merged.push(addSeconds(wallSecond - first, wallSecond * 1000, byWallSecond.get(wallSecond) ?? []));
  return merged;
}

function addSeconds(second: number, startEpochMs: number, samples: readonly SecondSample[]): SecondSample {
  const histogram = sumHistograms(samples.map((sample) => sample.histogram));
  const latency = percentilesMs(histogram);
  const total = (field: 'sent' | 'completed' | 'failed' | 'dropped'): number => samples.reduce((sum, sample) => sum + sample[field], 0);
  return {
    second,
    startEpochMs,
    sent: total('sent'),
    completed: total('completed'),
    failed: total('failed'),
    dropped: total('dropped'),
    errors: sumCounts(samples.map((sample) => sample.errors)),
    latencyMs: { p50: latency.p50, p99: latency.p99, max: latency.max },
    histogram: encodeHistogram(histogram),
  };
}
