/** A bounded FIFO of intended send times (µs), a ring over one typed array: no allocation per request. */
export class IntendedQueue {
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.count;
  }

  /** False when full. */
  push(intendedUs: number): boolean {
    if (this.count >= this.capacity) return false;
    this.times[(this.head + this.count) % this.times.length] = intendedUs;
    this.count++;
    return true;
  }

  peek(): number {
    return this.times[this.head]!;
  }

  shift(): void {
    this.head = (this.head + 1) % this.times.length;
    this.count--;
  }

  /** Empties the queue, returning how many were in it. */
  clear(): number {
    const cleared = this.count;
    this.head = 0;
    this.count = 0;
    return cleared;
  }
}
