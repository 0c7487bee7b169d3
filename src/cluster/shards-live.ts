import type { ServerResponse } from 'node:http';
import type { SecondSample } from '../metrics/recorder.js';
import { splitEvenly } from '../plan/shard.js';
import type { RunHandle } from '../runner/handle.js';
import { SecondsJoiner } from '../workers/seconds-joiner.js';

/** What a shard tells its coordinator as each of its seconds closes (POST /second), while a dashboard watches. */
export interface ShardSecond {
  /** 1-based, as `--shard i/N` writes it. */
  shard: number;
  sample: SecondSample;
  inFlight: number;
  cpuPercent: number;
  /** The shard's share of the rate asked for now (null without one). */
  targetRatePerSec: number | null;
}

/** A change for every shard, as the steering stream (GET /steer) carries it: the value is already this shard's own. */
export interface ShardCommand {
  what: 'rate' | 'concurrency' | 'stop';
  value?: number;
}

/** The whole run's second as the coordinator's displays see it: the shards' seconds joined, and their state summed. */
export interface JoinedSecond {
  sample: SecondSample;
  inFlight: number;
  /** The busiest shard's CPU: the one that would run out first. */
  cpuPercent: number;
  /** The whole plan's rate asked for now (the shards' shares summed), or null. */
  targetRatePerSec: number | null;
}

/**
 * The shards of a coordinated run seen and steered as one run: their live seconds joined in order
 * (a second is told once every shard still running has closed it), and a change made to the whole
 * sent to each shard as its share. Each shard takes its changes from a stream it opens once it has
 * joined; one that opens it late is told every change made so far, so none is lost to the race.
 */
export class ShardsLive implements Pick<RunHandle, 'setRate' | 'setConcurrency' | 'stop'> {
  private readonly joiner: SecondsJoiner;
  private readonly latest = new Map<number, Omit<ShardSecond, 'sample' | 'shard'>>();
  private readonly streams = new Map<number, ServerResponse>();
  private readonly sent: ((shard: number) => ShardCommand)[] = [];

  constructor(
    private readonly count: number,
    onSecond: (second: JoinedSecond) => void,
  ) {
    this.joiner = new SecondsJoiner(count, (sample) => onSecond({ sample, ...this.now() }));
  }

  offer(second: ShardSecond): void {
    const { shard, sample, ...now } = second;
    this.latest.set(shard, now);
    this.joiner.offer(shard - 1, sample);
  }

  /** The shard will send no more seconds (its result came, or it is gone). */
  retire(shard: number): void {
    // Its share of the rate still counts in what the whole run asks for; nothing of it is in flight.
    const last = this.latest.get(shard);
    if (last) this.latest.set(shard, { ...last, inFlight: 0 });
    this.joiner.retire(shard - 1);
    this.streams.get(shard)?.end();
    this.streams.delete(shard);
  }

  /** A shard's steering stream: it hears every change made so far, then each new one. */
  follow(shard: number, stream: ServerResponse): void {
    stream.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    this.streams.get(shard)?.end();
    this.streams.set(shard, stream);
    stream.on('close', () => {
      if (this.streams.get(shard) === stream) this.streams.delete(shard);
    });
    for (const command of this.sent) write(stream, command(shard));
  }

  /** The whole plan's rate: each shard sends its share of it, as `setRate` on a shard takes it. */
  setRate(ratePerSec: number): void {
    this.broadcast(() => ({ what: 'rate', value: ratePerSec }));
  }

  /** The whole run's connections or users, split over the shards as the plan's are. */
  setConcurrency(total: number): void {
    if (!(Number.isInteger(total) && total >= this.count))
      throw new RangeError(`concurrency must be a whole number ≥ ${this.count} (one per shard), got ${total}`);
    this.broadcast((shard) => ({ what: 'concurrency', value: splitEvenly(total, shard - 1, this.count) }));
  }

  stop(): void {
    this.broadcast(() => ({ what: 'stop' }));
  }

  close(): void {
    for (const stream of this.streams.values()) stream.end();
    this.streams.clear();
  }

  private broadcast(command: (shard: number) => ShardCommand): void {
    this.sent.push(command);
    for (const [shard, stream] of this.streams) write(stream, command(shard));
  }

  private now(): Omit<JoinedSecond, 'sample'> {
    const shards = [...this.latest.values()];
    const rates = shards.map((shard) => shard.targetRatePerSec);
    return {
      inFlight: shards.reduce((sum, shard) => sum + shard.inFlight, 0),
      cpuPercent: Math.max(0, ...shards.map((shard) => shard.cpuPercent)),
      targetRatePerSec: rates.length === 0 || rates.some((rate) => rate === null) ? null : (rates as number[]).reduce((sum, rate) => sum + rate, 0),
    };
  }
}

function write(stream: ServerResponse, command: ShardCommand): void {
  stream.write(`data: ${JSON.stringify(command)}\n\n`);
}
