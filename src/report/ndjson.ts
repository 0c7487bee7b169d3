import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { causeOfStatus, NO_STATUS, type ErrorCause } from '../metrics/causes.js';
import { NO_SERVICE_TIME } from '../metrics/slowdown.js';
import type { ExchangeObserver } from '../runner/run.js';
import { seededRandom } from '../schedule/random.js';
import type { Clock } from '../time/clock.js';

/** Lines are batched into writes of about this size: one syscall per few hundred requests. */
const CHUNK_CHARS = 64 * 1024;
/** A fixed seed, so the same plan keeps the same positions of its request sequence on every run. */
const SAMPLE_SEED = 1;

/** Epoch ms to 3 decimals; near 1.7e12 a double holds ms to about 0.25 µs, so the last digit may be 1 µs off. */
const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;
/** Latencies rounded to whole µs, exactly as the recorder records them. */
const latencyMs = (fromUs: number, toUs: number): number => Math.round(toUs - fromUs) / 1000;

/**
 * One JSON line per finished request, written as the run goes:
 * `{"t":<epoch ms done>,"intendedMs":<epoch ms>,"latencyMs":<corrected>,"uncorrectedMs":<...>,"status":200}`;
 * a failed request carries `"error":"<cause>"`, next to its status when an answer came (4xx/5xx); an
 * answer that carried its service time (Server-Timing) has `"serviceMs":<ms>`. A gRPC call that ended OK has
 * `"grpc":"OK"` in place of a status (it has no HTTP status of its own; other gRPC statuses are errors).
 * Dropped requests were never sent and have no line (the per-second series counts them), nor do
 * requests still in flight when a run is cut short.
 */
export class NdjsonExchangeLog implements ExchangeObserver {
  private stream: WriteStream | undefined;
  private buffer = '';
  private waitingForDrain = false;
  private failure: Error | undefined;
  private readonly keep: () => boolean;

  /** `sampleFraction` in (0, 1]: each request is kept with that probability, from a seeded generator. */
  constructor(
    readonly path: string,
    sampleFraction: number,
    private readonly clock: Clock,
    private readonly grpc = false,
  ) {
    const random = seededRandom(SAMPLE_SEED);
    this.keep = sampleFraction >= 1 ? () => true : () => random() < sampleFraction;
  }

  onResponse(intendedUs: number, sentUs: number, doneUs: number, status: number, serviceUs = NO_SERVICE_TIME): void {
    if (!this.keep()) return;
    const cause = causeOfStatus(status);
    const service = serviceUs === NO_SERVICE_TIME ? '' : `,"serviceMs":${Math.round(serviceUs) / 1000}`;
    const outcome = this.grpc && status === NO_STATUS ? '"grpc":"OK"' : `"status":${status}`;
    this.append(`${this.timing(intendedUs, sentUs, doneUs)},${outcome}${service}${cause === undefined ? '' : `,"error":"${cause}"`}}\n`);
  }

  onFailure(intendedUs: number, sentUs: number, doneUs: number, cause: ErrorCause): void {
    if (!this.keep()) return;
    this.append(`${this.timing(intendedUs, sentUs, doneUs)},"error":"${cause}"}\n`);
  }

  /** Writes what is buffered and closes the file; rejects with a one-line message when any write failed. */
  async close(): Promise<void> {
    const stream = this.open();
    if (this.failure === undefined) stream.end(this.buffer);
    this.buffer = '';
    try {
      await finished(stream);
    } catch (error) {
      this.failure ??= error as Error;
    }
    if (this.failure !== undefined) throw new Error(`cannot write "${this.path}": ${this.failure.message.split('\n')[0]}`);
  }

  private timing(intendedUs: number, sentUs: number, doneUs: number): string {
    const t = roundMs(this.clock.epochMsAt(doneUs));
    const intendedMs = roundMs(this.clock.epochMsAt(intendedUs));
    return `{"t":${t},"intendedMs":${intendedMs},"latencyMs":${latencyMs(intendedUs, doneUs)},"uncorrectedMs":${latencyMs(sentUs, doneUs)}`;
  }

  private append(line: string): void {
    if (this.failure !== undefined) return;
    this.buffer += line;
    if (this.buffer.length >= CHUNK_CHARS && !this.waitingForDrain) this.flush();
  }

  /** While the disk lags, lines gather in the buffer and go out as one write when the stream drains. */
  private flush(): void {
    if (this.buffer === '' || this.failure !== undefined) return;
    this.waitingForDrain = !this.open().write(this.buffer);
    this.buffer = '';
  }

  /** Opened at the first write, so a run that cannot start leaves no file behind. */
  private open(): WriteStream {
    if (this.stream === undefined) {
      this.stream = createWriteStream(this.path);
      this.stream.on('error', (error) => (this.failure ??= error));
      this.stream.on('drain', () => {
        this.waitingForDrain = false;
        this.flush();
      });
    }
    return this.stream;
  }
}
