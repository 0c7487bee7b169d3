import type { SecondSample } from '../metrics/recorder.js';
import { addSeconds } from '../result/merge-series.js';

/**
 * Joins the workers' seconds as they arrive into one second of the whole run, in order: second k is
 * told once every worker still running has closed it. A worker that died is no longer waited for,
 * but the seconds it closed still count.
 */
export class SecondsJoiner {
  private readonly bySecond = new Map<number, SecondSample[]>();
  private readonly waitingFor: Set<number>;
  private next = 0;

  constructor(
    workers: number,
    private readonly onSecond: (sample: SecondSample) => void,
  ) {
    this.waitingFor = new Set(Array.from({ length: workers }, (_, worker) => worker));
  }

  offer(worker: number, sample: SecondSample): void {
    const samples = this.bySecond.get(sample.second) ?? [];
    samples[worker] = sample;
    this.bySecond.set(sample.second, samples);
    this.flush();
  }

  /** The worker will send no more seconds. */
  retire(worker: number): void {
    this.waitingFor.delete(worker);
    this.flush();
  }

  private flush(): void {
    for (let samples = this.bySecond.get(this.next); samples && this.complete(samples); samples = this.bySecond.get(this.next)) {
      this.bySecond.delete(this.next);
      const present = samples.filter((sample) => sample !== undefined);
      this.onSecond(addSeconds(this.next, Math.min(...present.map((sample) => sample.startEpochMs)), present));
      this.next++;
    }
  }

  private complete(samples: readonly (SecondSample | undefined)[]): boolean {
    for (const worker of this.waitingFor) if (samples[worker] === undefined) return false;
    return true;
  }
}
