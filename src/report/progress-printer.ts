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
}

const CURSOR_UP = (lines: number): string => `\x1b[${lines}A`;
const CLEAR_TO_END = '\x1b[0J';

/** Live progress of a run, fed with each second's frame (see ProgressFrames). */
export class ProgressPrinter {
  private drawnLines = 0;
  /** Whether the last second was behind schedule: a line says so at once when it starts, not at the next interval. */
  private wasBehind = false;

  constructor(private readonly options: ProgressOptions) {}

  print(frame: ProgressFrame): void {
    const { out, isTTY, everySeconds } = this.options;
    const { last, elapsedSeconds } = frame;
    const startsBehind = last.behind !== undefined && !this.wasBehind;
    this.wasBehind = last.behind !== undefined;
    if (!isTTY && elapsedSeconds % everySeconds !== 0 && !startsBehind) return;
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
