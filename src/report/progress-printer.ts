import { targetRateOf } from '../plan/shard.js';
import type { ErrorCause } from '../metrics/causes.js';
import type { SecondSample } from '../metrics/recorder.js';
import { isVuExecutor } from '../plan/executors/index.js';
import { longestDurationMs, scenarioPlans, type Plan } from '../plan/schema.js';
import { cpuMeter } from './progress-cpu.js';
import { progressBlock, progressLine, type ProgressFrame } from './progress.js';

export interface ProgressOutput {
  write(text: string): unknown;
  /** A terminal's width; lines are cut to it so none wraps and the redraw stays in place. */
  columns?: number;
}

export interface ProgressOptions {
  out: ProgressOutput;
  /** A terminal gets a block redrawn every second; anything else a plain line every `everySeconds`. */
  isTTY: boolean;
  everySeconds: number;
  plan: Plan;
  /** The generator's CPU % since the last call. */
  cpuPercent?: () => number;
}

const CURSOR_UP = (lines: number): string => `\x1b[${lines}A`;
const CLEAR_TO_END = '\x1b[0J';

/** Live progress of a run, fed with each closed second. */
export class ProgressPrinter {
  private readonly errors: Partial<Record<ErrorCause, number>> = {};
  private readonly cpuPercent: () => number;
  private drawnLines = 0;

  constructor(private readonly options: ProgressOptions) {
    this.cpuPercent = options.cpuPercent ?? cpuMeter();
  }

  onSecond(last: SecondSample, inFlight: number): void {
    for (const [cause, count] of Object.entries(last.errors) as [ErrorCause, number][]) this.errors[cause] = (this.errors[cause] ?? 0) + count;
    const { out, isTTY, everySeconds, plan } = this.options;
    const elapsedSeconds = last.second + 1;
    const cpuPercent = this.cpuPercent(); // read every second, so it covers the last second only
    if (!isTTY && elapsedSeconds % everySeconds !== 0) return;
    const frame: ProgressFrame = {
      elapsedSeconds,
      durationMs: longestDurationMs(plan),
      targetRate: targetRateOf(plan) ?? (scenarioPlans(plan).some((load) => isVuExecutor(load.plan.executor)) ? 'users' : null),
      last,
      errors: this.errors,
      inFlight,
      cpuPercent,
    };
    if (!isTTY) {
      out.write(`${progressLine(frame)}\n`);
      return;
    }
    const fit = (line: string): string => (out.columns ? line.slice(0, out.columns - 1) : line);
    const lines = progressBlock(frame).map(fit);
    out.write(`${this.erase()}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  /** Takes the live block off the terminal, so what follows prints where it stood. */
  stop(): void {
    if (this.drawnLines > 0) this.options.out.write(this.erase());
    this.drawnLines = 0;
  }

  private erase(): string {
    return this.drawnLines > 0 ? `${CURSOR_UP(this.drawnLines)}${CLEAR_TO_END}` : '';
  }
}
