import { shareOfCounts, type Shard } from '../../plan/shard.js';
import type { Breakdown, BreakdownResult } from '../../metrics/breakdown.js';
import { kindOf, type UsersOfKind, type VuExecutor } from '../../plan/executors/index.js';
import type { UserConnections } from '../../protocols/http1/user-connections.js';
import { seededRandom } from '../../schedule/random.js';
import type { DataSets } from '../../scenario/data.js';
import type { UserTypeModel } from '../../scenario/model.js';
import { VirtualUserContext } from '../../scenario/user-context.js';
import type { Clock, Timer } from '../../time/clock.js';
import type { RunningExecutor } from '../executor.js';
import { groupTimesMs, mixWeights, populationAt, thinkTimesByPhase, type Population, type ThinkTime } from './population.js';
import { VirtualUser } from './virtual-user.js';
import { apportion } from '../../scenario/weighted.js';

export interface VirtualUserContextOptions {
  clock: Clock;
  connections: UserConnections;
  startUs: number;
  durationUs: number;
  types: readonly UserTypeModel[];
  breakdown: Breakdown;
  data: DataSets;
  base: URL;
  seed: number;
  /** How long a user told to stop (its type no longer wanted) may finish its task before it is cut off. */
  gracefulStopMs: number;
  /** This run's share of the plan's users (a shard or a worker thread): see shareOfCounts. */
  share?: Shard;
}

/** How often the population is brought toward its target: the grain of spawning. */
const TICK_MS = 10;

/**
 * Runs virtual users (constant-vus, ramping-vus, phases): keeps the number of running users of each type
 * at what the executor wants at each moment, starting or stopping them at the spawn rate, and ends them
 * at the end of the run after their current task.
 */
export class VirtualUserExecutor implements RunningExecutor {
  private readonly running: VirtualUser[][];
  private readonly live = new Set<VirtualUser>();
  /** By phase, then by type. */
  private readonly thinkTimes: ThinkTime[][];
  private nextUserId = 1;
  private spawnCredit = 1;
  private lastTickUs: number;
  private lastStep = 0;
  private override: number | undefined;
  private ticker: Timer | undefined;
  private ending = false;
  private onIssued: (() => void) | undefined;
  private readonly users: UsersOfKind<VuExecutor>;

  constructor(
    private readonly executor: VuExecutor,
    private readonly options: VirtualUserContextOptions,
  ) {
    this.users = kindOf(executor).users!;
    this.running = options.types.map(() => []);
    this.thinkTimes = thinkTimesByPhase(executor, options.types);
    this.lastTickUs = options.startUs;
  }

  start(onIssued: () => void): void {
    this.onIssued = onIssued;
    this.tick();
  }

  onSlotFree(): void {}

  queued(): number {
    return 0;
  }

  stop(): void {
    this.ticker?.cancel();
    this.ending = true;
    for (const user of this.live) user.stop();
  }

  setRate(): void {
    throw new RangeError(`${this.executor.type} runs virtual users and has no arrival rate: change the user count with setConcurrency`);
  }

  /** Changes the total number of users from now on, keeping the current mix (the seam for a controller). */
  setConcurrency(users: number): void {
    this.override = users;
    this.spawnCredit = Math.max(this.spawnCredit, 1);
  }

  breakdown(): BreakdownResult {
    const { types, clock, startUs } = this.options;
    const times = groupTimesMs(this.executor, types, (clock.nowUs() - startUs) / 1000);
    return this.options.breakdown.result(
      times && { phases: times.phases, userTypes: new Map(types.map((type, index) => [type.name, times.userTypes[index]!])) },
    );
  }

  /** The phase requests are counted in now. */
  currentPhase(): number {
    return this.users.at(this.executor, (this.options.clock.nowUs() - this.options.startUs) / 1000).phase;
  }

  /** Users running now (not counting those finishing after being told to stop), by type. */
  counts(): number[] {
    return this.running.map((users) => users.length);
  }

  usersByType(): Record<string, number> {
    return Object.fromEntries(this.options.types.map((type, index) => [type.name, this.running[index]!.length]));
  }

  private wanted(elapsedMs: number): Population {
    const whole = populationAt(this.executor, this.options.types, elapsedMs);
    const { share } = this.options;
    const population = share ? { ...whole, counts: shareOfCounts(whole.counts, share), spawnRate: whole.spawnRate / share.count } : whole;
    // setConcurrency sets this run's own users: a caller splitting a load over threads has already taken its share.
    if (this.override === undefined) return population;
    const weights = population.counts.some((count) => count > 0) ? population.counts : mixWeights(this.options.types, undefined);
    return { ...population, counts: apportion(this.override, weights) };
  }

  private tick(): void {
    const { clock, startUs, durationUs } = this.options;
    const nowUs = clock.nowUs();
    if (nowUs - startUs >= durationUs) {
      this.end();
      return;
    }
    const target = this.wanted((nowUs - startUs) / 1000);
    if (target.step !== this.lastStep) {
      // A new phase spawns at its own rate from its start, with its first user at once.
      this.lastStep = target.step;
      this.spawnCredit = 1;
      if (target.restart) this.restartUsers();
    } else {
      // All at once has no pace to keep (and 0 µs × Infinity would be NaN).
      this.spawnCredit = target.spawnRate === Infinity ? Infinity : this.spawnCredit + ((nowUs - this.lastTickUs) / 1e6) * target.spawnRate;
    }
    this.lastTickUs = nowUs;
    this.adjust(target.counts);
    this.ticker = clock.setTimer(() => this.tick(), Math.min(TICK_MS, (startUs + durationUs - nowUs) / 1000));
  }

  /** Starts or stops users toward `counts`, as many as the spawn credit allows: the type furthest from its count first. */
  private adjust(counts: readonly number[]): void {
    for (;;) {
      let furthest = -1;
      let gap = 0;
      counts.forEach((count, index) => {
        const difference = count - this.running[index]!.length;
        if (Math.abs(difference) > Math.abs(gap)) {
          gap = difference;
          furthest = index;
        }
      });
      if (furthest < 0) {
        // At the target: credit is not banked for later (Locust spawns at the rate from when it is needed).
        this.spawnCredit = Math.min(this.spawnCredit, 1);
        return;
      }
      if (this.spawnCredit < 1) return;
      this.spawnCredit -= 1;
      if (gap > 0) this.spawn(furthest);
      else this.retire(this.running[furthest]!.pop()!);
    }
  }

  private spawn(typeIndex: number): void {
    const { options } = this;
    const type = options.types[typeIndex]!;
    // Numbered as in the whole plan, so users of different shares never share an id (or a row of split data).
    const { share } = options;
    const local = this.nextUserId++;
    const id = share ? (local - 1) * share.count + share.index : local;
    const connection = options.connections.connection();
    // Each user its own stream of the run's seed, so a seeded run repeats every user's choices.
    const random = seededRandom((options.seed + Math.imul(id, 0x9e3779b9)) >>> 0);
    const context = new VirtualUserContext({
      id,
      type: type.name,
      base: options.base,
      connection,
      clock: options.clock,
      breakdown: options.breakdown,
      phase: () => this.currentPhase(),
      data: options.data,
      random,
    });
    const yieldTurn = (): Promise<void> => new Promise((resolve) => options.clock.setImmediate(resolve));
    const user = new VirtualUser(type, context, options.breakdown, random, yieldTurn, () => this.thinkTimes[this.currentPhase()]![typeIndex]!);
    this.running[typeIndex]!.push(user);
    this.live.add(user);
    void user.done.then(() => {
      this.live.delete(user);
      connection.close();
      if (this.ending && this.live.size === 0) this.onIssued?.();
    });
  }

  /** A phase with `restart`: every running user is told to stop, so the phase's users all start afresh. */
  private restartUsers(): void {
    for (const users of this.running) {
      for (const user of users) this.retire(user);
      users.length = 0;
    }
  }

  /** Tells a user to stop after its task; one still busy after the graceful stop is cut off (its request fails as timeout). */
  private retire(user: VirtualUser): void {
    user.stop();
    const cutOff = this.options.clock.setTimer(() => {
      if (!this.live.has(user)) return;
      user.context.abandon();
      this.live.delete(user);
    }, this.options.gracefulStopMs);
    void user.done.then(() => cutOff.cancel());
  }

  private end(): void {
    this.ending = true;
    for (const user of this.live) user.stop();
    this.running.forEach((users) => (users.length = 0));
    if (this.live.size === 0) this.onIssued?.();
  }
}
