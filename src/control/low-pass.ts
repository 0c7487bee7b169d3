/** A first-order low-pass filter (exponential smoothing by elapsed time): the first sample is taken as is. */
export class LowPass {
  private state: number | undefined;

  constructor(private readonly timeConstantMs: number) {}

  /** `timeConstantMs` overrides the filter's own for this sample (a filter that slows down when samples get scarce). */
  get value(): number | undefined {
    return this.state;
  }

  add(sample: number, dtMs: number, timeConstantMs = this.timeConstantMs): number {
    const weight = dtMs / (timeConstantMs + dtMs);
    this.state = this.state === undefined ? sample : this.state + weight * (sample - this.state);
    return this.state;
  }
}
