// Counters for /metrics, in flat Float64Arrays so counting a request is one increment.

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

  render(fleet: Fleet): string {
    const lines: string[] = [];
    lines.push('# HELP salvo_servo_requests_total Servo protocol requests by event and HTTP status.');
    lines.push('# TYPE salvo_servo_requests_total counter');
    const width = STATUSES.length + 1;
    for (let e = 0; e < EVENT_LABELS.length; e++) {
      for (let s = 0; s < width; s++) {
        const n = this.requests[e * width + s]!;
        if (n > 0) lines.push(`salvo_servo_requests_total{event="${EVENT_LABELS[e]}",status="${s === OTHER_STATUS ? 'other' : STATUSES[s]}"} ${n}`);
      }
    }
    lines.push('# HELP salvo_servo_sequence_errors_total Events rejected by the state machine (HTTP 400), by event and reason.');
    lines.push('# TYPE salvo_servo_sequence_errors_total counter');
    for (let e = 0; e < EVENT_NAMES.length; e++) {
      for (let r = 0; r < REJECTION_NAMES.length; r++) {
        const n = this.sequenceErrors[e * REJECTION_NAMES.length + r]!;
        if (n > 0) lines.push(`salvo_servo_sequence_errors_total{event="${EVENT_NAMES[e]}",reason="${REJECTION_NAMES[r]}"} ${n}`);
      }
    }
    lines.push('# HELP salvo_servo_malformed_requests_total Requests the HTTP parser refused before routing (too long, bad bytes), by parser code.');
    lines.push('# TYPE salvo_servo_malformed_requests_total counter');
    for (const [code, n] of this.malformed) lines.push(`salvo_servo_malformed_requests_total{code="${code}"} ${n}`);
    let cycles = 0;
    const byState = new Array<number>(STATE_NAMES.length).fill(0);
    for (let i = 0; i < fleet.count; i++) {
      cycles += fleet.cycles[i]!;
      byState[fleet.state[i]!]!++;
    }
    const stats = fleet.statistics();
    lines.push('# HELP salvo_servo_cycles_total Completed measure/adjust cycles over all applications.');
    lines.push('# TYPE salvo_servo_cycles_total counter');
    lines.push(`salvo_servo_cycles_total ${cycles}`);
    lines.push('# HELP salvo_servo_app_cycles_min Fewest cycles of any application seen.');
    lines.push('# TYPE salvo_servo_app_cycles_min gauge');
    lines.push(`salvo_servo_app_cycles_min ${stats.min ?? 0}`);
    lines.push('# HELP salvo_servo_app_cycles_max Most cycles of any application seen.');
    lines.push('# TYPE salvo_servo_app_cycles_max gauge');
    lines.push(`salvo_servo_app_cycles_max ${stats.max ?? 0}`);
    lines.push('# HELP salvo_servo_apps_seen Applications that have had an event accepted.');
    lines.push('# TYPE salvo_servo_apps_seen gauge');
    lines.push(`salvo_servo_apps_seen ${stats.n}`);
    lines.push('# HELP salvo_servo_apps Applications by state.');
    lines.push('# TYPE salvo_servo_apps gauge');
    STATE_NAMES.forEach((name, s) => lines.push(`salvo_servo_apps{state="${name}"} ${byState[s]}`));
    lines.push('# HELP salvo_servo_resync_adoptions_total Applications whose state --resync adopted from their first event.');
    lines.push('# TYPE salvo_servo_resync_adoptions_total counter');
    lines.push(`salvo_servo_resync_adoptions_total ${this.resyncAdoptions}`);
    return `${lines.join('\n')}\n`;
  }
}
