// Counters for /metrics, in flat Float64Arrays so counting a request is one increment; prom-client writes them out at each scrape.

import { Counter, Gauge, Registry } from 'prom-client';
import { type Fleet, REJECTION_NAMES } from './fleet.js';
import { EVENT_NAMES, STATE_NAMES } from './protocol.js';

/** Event slots: the six events, then one for bodies with no (valid) event. */
const EVENT_LABELS = [...EVENT_NAMES, 'none'];
export const NO_EVENT = EVENT_NAMES.length;
const STATUSES = [200, 400, 404, 405, 413, 415, 422, 431];
const OTHER_STATUS = STATUSES.length;

function statusSlot(status: number): number {
  switch (status) {
    case 200:
      return 0;
    case 400:
      return 1;
    case 404:
      return 2;
    case 405:
      return 3;
    case 413:
      return 4;
    case 415:
      return 5;
    case 422:
      return 6;
    case 431:
      return 7;
    default:
      return OTHER_STATUS;
  }
}

export class FleetMetrics {
  private readonly requests = new Float64Array(EVENT_LABELS.length * (STATUSES.length + 1));
  /** By event × rejection kind. */
  private readonly sequenceErrors = new Float64Array(EVENT_NAMES.length * REJECTION_NAMES.length);
  resyncAdoptions = 0;
  /** Requests Node's HTTP parser refused, by its code (HPE_HEADER_OVERFLOW...): rare, so a map is cheap enough. */
  private readonly malformed = new Map<string, number>();

  countMalformed(code: string, status: number): void {
    this.countRequest(NO_EVENT, status);
    this.malformed.set(code, (this.malformed.get(code) ?? 0) + 1);
  }

  countRequest(event: number, status: number): void {
    this.requests[event * (STATUSES.length + 1) + statusSlot(status)]!++;
  }

  /** `rejection` is a negative Rejection code from Fleet.apply. */
  countSequenceError(event: number, rejection: number): void {
    this.sequenceErrors[event * REJECTION_NAMES.length + (-rejection - 1)]!++;
  }

  /** The Prometheus text of the counts (prom-client writes it), read from the arrays at each scrape. */
  render(fleet: Fleet): Promise<string> {
    this.registry ??= this.registryOf(fleet);
    return this.registry.metrics();
  }

  private registry: Registry | undefined;

  private registryOf(fleet: Fleet): Registry {
    const registry = new Registry();
    const registers = [registry];
    const counts = this;
    new Counter({
      name: 'salvo_servo_requests_total',
      help: 'Servo protocol requests by event and HTTP status.',
      labelNames: ['event', 'status'],
      registers,
      collect() {
        this.reset();
        const width = STATUSES.length + 1;
        EVENT_LABELS.forEach((event, e) => {
          for (let s = 0; s < width; s++) {
            const n = counts.requests[e * width + s]!;
            if (n > 0) this.inc({ event, status: s === OTHER_STATUS ? 'other' : String(STATUSES[s]) }, n);
          }
        });
      },
    });
    new Counter({
      name: 'salvo_servo_sequence_errors_total',
      help: 'Events rejected by the state machine (HTTP 400), by event and reason.',
      labelNames: ['event', 'reason'],
      registers,
      collect() {
        this.reset();
        EVENT_NAMES.forEach((event, e) => {
          REJECTION_NAMES.forEach((reason, r) => {
            const n = counts.sequenceErrors[e * REJECTION_NAMES.length + r]!;
            if (n > 0) this.inc({ event, reason }, n);
          });
        });
      },
    });
    new Counter({
      name: 'salvo_servo_malformed_requests_total',
      help: 'Requests the HTTP parser refused before routing (too long, bad bytes), by parser code.',
      labelNames: ['code'],
      registers,
      collect() {
        this.reset();
        for (const [code, n] of counts.malformed) this.inc({ code }, n);
      },
    });
    new Counter({
      name: 'salvo_servo_cycles_total',
      help: 'Completed measure/adjust cycles over all applications.',
      registers,
      collect() {
        let cycles = 0;
        for (let i = 0; i < fleet.count; i++) cycles += fleet.cycles[i]!;
        this.reset();
        this.inc(cycles);
      },
    });
    const statisticGauge = (name: string, help: string, read: (stats: ReturnType<Fleet['statistics']>) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(fleet.statistics()));
        },
      });
    };
    statisticGauge('salvo_servo_app_cycles_min', 'Fewest cycles of any application seen.', (stats) => stats.min ?? 0);
    statisticGauge('salvo_servo_app_cycles_max', 'Most cycles of any application seen.', (stats) => stats.max ?? 0);
    statisticGauge('salvo_servo_apps_seen', 'Applications that have had an event accepted.', (stats) => stats.n);
    new Gauge({
      name: 'salvo_servo_apps',
      help: 'Applications by state.',
      labelNames: ['state'],
      registers,
      collect() {
        const byState = new Array<number>(STATE_NAMES.length).fill(0);
        for (let i = 0; i < fleet.count; i++) byState[fleet.state[i]!]!++;
        STATE_NAMES.forEach((state, s) => this.set({ state }, byState[s]!));
      },
    });
    new Counter({
      name: 'salvo_servo_resync_adoptions_total',
      help: 'Applications whose state --resync adopted from their first event.',
      registers,
      collect() {
        this.reset();
        this.inc(counts.resyncAdoptions);
      },
    });
    return registry;
  }
}
