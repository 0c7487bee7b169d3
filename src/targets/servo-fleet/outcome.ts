// The answer to an event Fleet.apply has judged, counted in the metrics; each dialect says its own
// words for an accepted notification and for a rejection.

import type { ServerResponse } from 'node:http';
import type { FleetMetrics } from './metrics.js';
import { Event } from './protocol.js';
import { JSON_TYPE, send, sendDetail } from './reply.js';

/** An accepted notification's answer, built once: the hot path writes it as it is. */
export interface OkReply {
  body: Buffer;
  headers: string[];
}

export function okReply(text: string): OkReply {
  const body = Buffer.from(text);
  return { body, headers: ['Content-Type', JSON_TYPE, 'Content-Length', String(body.length)] };
}

/** `outcome` ≥ 0: the command handed out for WHATS_NEXT, or `ok` for a notification. */
export function answerAccepted(res: ServerResponse, metrics: FleetMetrics, commands: Buffer[], ok: OkReply, event: number, outcome: number): void {
  metrics.countRequest(event, 200);
  if (event === Event.WHATS_NEXT) {
    send(res, 200, commands[outcome]!);
  } else {
    res.writeHead(200, ok.headers);
    res.end(ok.body);
  }
}

/** `outcome` < 0: a Rejection, answered 400 with `detail`. */
export function answerRejected(res: ServerResponse, metrics: FleetMetrics, event: number, outcome: number, detail: string): void {
  metrics.countRequest(event, 400);
  metrics.countSequenceError(event, outcome);
  sendDetail(res, 400, detail);
}
