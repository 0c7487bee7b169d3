import type { Backlog } from '../metrics/generator-monitor.js';
import type { Pacer } from '../schedule/pacer.js';
import { RebasedPacer } from '../schedule/rebased.js';
import type { Timer } from '../time/clock.js';
import type { ExecutorContext, RunningExecutor } from './executor.js';
import { IntendedQueue } from './intended-queue.js';

/** Below this wait the executor polls the event loop instead of arming a timer, whose grain is 1 ms. */
const POLL_BELOW_US = 1500;
/**
 * Most requests one turn of the event loop steps through; the rest wait for the next turn, so that
 * signals, answers and timers are handled between. At well under 1 µs a step, this bounds a turn to a
 * few ms on a machine several times slower than any one measured; at rates a turn stays under, it
 * never binds.
 */
const MOST_STEPS_PER_TURN = 10_000;
/** "Due by now" counts what is due before now plus this: a tenth of the spacing at the highest rate a plan takes (1 ns at 1e9/s). */
const DUE_BY_NOW_US = 1e-4;

/**
 * The open model: requests are due when the pacer says, whatever the target is doing. A request
 * due while every connection is busy waits in a bounded queue with its intended time kept, so the
 * wait shows in the corrected latency; past the bound it is counted as dropped.
 */
export class ArrivalRateExecutor implements RunningExecutor {
  private pacer: Pacer;
  private nextIndex = 0;
  private rateChanges = 0;
  private nextDueUs: number;
  private readonly queue: IntendedQueue;
  private timer: Timer | undefined;
  private issuing = false;
  private onIssued: () => void = () => {};
  private readonly tick = (): void => this.dispatchDue();

  constructor(
    /** The kind's pacer: its own schedule (`ratePerSec` undefined) or a rate set mid-run, this run's share of it. */
    private readonly pacerAt: (ratePerSec: number | undefined, stream: number) => Pacer,
    private readonly context: ExecutorContext,
    maxQueue: number,
  ) {
    this.pacer = pacerAt(undefined, 0);
    this.nextDueUs = this.pacer.dueUs(0);
    this.queue = new IntendedQueue(maxQueue);
  }

  start(onIssued: () => void): void {
    this.onIssued = onIssued;
    this.issuing = true;
    this.dispatchDue();
  }

  onSlotFree(): void {
    const { transport } = this.context;
    while (this.queue.length > 0 && transport.trySend(this.queue.peek())) this.queue.shift();
  }

  queued(): number {
    return this.queue.length;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const dropped = this.queue.clear();
    if (dropped > 0) this.context.recorder.recordDropped(this.context.clock.nowUs(), dropped, 'unsentAtEnd');
    if (this.issuing) this.finishIssuing();
  }

  setRate(ratePerSec: number): void {
    // What fell due at the old rate is still owed: rebasing at "now" would silently skip it.
    if (this.issuing) this.issueDue();
    const elapsedUs = Math.max(0, this.context.clock.nowUs() - this.context.startUs);
    // The next request keeps its time when that is sooner than one interval at the new rate, so a
    // controller that sets the rate often does not add a request each time it does.
    const startUs = Math.max(elapsedUs, Math.min(this.nextDueUs, elapsedUs + 1_000_000 / ratePerSec));
    this.pacer = new RebasedPacer(this.pacerAt(ratePerSec, ++this.rateChanges), startUs, this.nextIndex);
    this.nextDueUs = this.pacer.dueUs(this.nextIndex);
    if (this.issuing) this.dispatchDue();
  }

  setConcurrency(connections: number): void {
    this.context.transport.setMaxConnections(connections);
  }

  backlog(nowUs: number): Backlog | undefined {
    if (this.queue.length > 0) return { oldestDueUs: this.queue.peek(), waitingForConnections: true };
    const dueUs = this.context.startUs + this.nextDueUs;
    return this.issuing && dueUs <= nowUs ? { oldestDueUs: dueUs, waitingForConnections: false } : undefined;
  }

  /** Issues what is due, then waits for the next due request (or ends when the schedule is done). */
  private dispatchDue(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const elapsedUs = this.issueDue();
    if (this.nextDueUs >= this.context.durationUs) {
      this.finishIssuing();
      return;
    }
    const { clock } = this.context;
    const waitUs = this.nextDueUs - elapsedUs;
    // While requests wait for connections the next one will wait too, so its exact time buys nothing:
    // a timer then leaves the CPU to the answers, and the generator's busy share shows its real work.
    // What a turn's step bound left due is stepped through on the next turn, not a timer later.
    const poll = waitUs <= 0 || (waitUs < POLL_BELOW_US && this.queue.length === 0);
    this.timer = poll ? clock.setImmediate(this.tick) : clock.setTimer(this.tick, Math.max(0, Math.floor((waitUs - 1000) / 1000)));
  }

  /** Sends (or queues, or drops) every request due by now; returns the elapsed time it judged by. */
  private issueDue(): number {
    const { clock, startUs, durationUs } = this.context;
    const nowUs = clock.nowUs();
    const elapsedUs = nowUs - startUs;
    for (let steps = 0; this.nextDueUs <= elapsedUs && this.nextDueUs < durationUs && steps < MOST_STEPS_PER_TURN; steps++) {
      const deadlineUs = this.pacer.deadlineUs(this.nextIndex);
      if (elapsedUs >= deadlineUs) {
        // Its batch could not start inside its own bucket: the whole batch is late.
        this.dropUpTo(Math.min(deadlineUs, durationUs), nowUs, 'lateBatch');
      } else if (!this.issue(startUs + this.nextDueUs)) {
        // The queue is full and no answer frees a connection before this turn ends: everything else due by now is dropped too.
        this.dropUpTo(Math.min(elapsedUs + DUE_BY_NOW_US, durationUs), nowUs, 'queueFull');
      }
      this.nextDueUs = this.pacer.dueUs(++this.nextIndex);
    }
    return elapsedUs;
  }

  /** Drops request `nextIndex` and, when the pacer can count them, every later one due before `untilUs`, counted at once. */
  private dropUpTo(untilUs: number, nowUs: number, reason: 'lateBatch' | 'queueFull'): void {
    const dueBefore = this.pacer.countDueBefore?.(untilUs) ?? 0;
    const dropped = Math.max(1, dueBefore - this.nextIndex);
    this.context.recorder.recordDropped(nowUs, dropped, reason);
    this.nextIndex += dropped - 1;
  }

  /** Sends or queues one request; false when neither can take it (the caller drops it). */
  private issue(intendedUs: number): boolean {
    return (this.queue.length === 0 && this.context.transport.trySend(intendedUs)) || this.queue.push(intendedUs);
  }

  private finishIssuing(): void {
    this.issuing = false;
    this.onIssued();
  }
}
