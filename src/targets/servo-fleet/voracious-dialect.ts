// The default: answers as the original voracious.py (FastAPI 0.61, pydantic 1.6) does, so a
// servo written against it sees the same status codes and bodies. Any app name is registered by
// HELLO; other events for an app never registered are 400 "unknown app"; the body is read by
// voracious-body.ts; sequence errors carry the original's messages.

import type { ServerResponse } from 'node:http';
import type { Dialect } from './dialect.js';
import { type Fleet, NO_PROGRESS, Rejection } from './fleet.js';
import { type FleetMetrics, NO_EVENT } from './metrics.js';
import { Event, STATE_NAMES, eventCode, type EventCode } from './protocol.js';
import { answerAccepted, answerRejected, okReply } from './outcome.js';
import { send, sendDetail } from './reply.js';
import { decodeVoraciousBody, describeEvent, isErrorAnswer, type ServoEventBody } from './voracious-body.js';

const OK = okReply('{"status":"ok","message":null}');
const NOT_FOUND = Buffer.from('{"detail":"Not Found"}');
const METHOD_NOT_ALLOWED = Buffer.from('{"detail":"Method Not Allowed"}');

/** Python prints ints in full: progress is a whole number, possibly beyond 2^53. */
const intText = (value: number): string => BigInt(value).toString();

/** The {app} segment as Starlette hands it over: %-escapes decoded, a malformed one kept as sent. */
function decodeSegment(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function voraciousDialect(fleet: Fleet, metrics: FleetMetrics, commands: Buffer[]): Dialect {
  function sequenceError(app: number, body: ServoEventBody, rejection: number, oldProgress: number): string {
    const state = STATE_NAMES[fleet.state[app]!];
    const prefix = `Sequence error for ${fleet.nameOf(app)}: `;
    switch (rejection) {
      case Rejection.nothingPending:
        return `${prefix}Unexpected WHATS_NEXT in ${state}`;
      case Rejection.progressBackwards:
        return `${prefix}Progress going backwards: old=${intText(oldProgress)}, new=${intText(body.progress)}`;
      default: {
        const percent = body.progress === NO_PROGRESS ? '' : `(${intText(body.progress)}%)`;
        return `${prefix}Unexpected event ${describeEvent(body)}${percent} in state ${state}`;
      }
    }
  }

  function servoEvent(res: ServerResponse, rawName: string, bytes: Buffer): void {
    const body = decodeVoraciousBody(bytes);
    if (isErrorAnswer(body)) {
      metrics.countRequest(NO_EVENT, body.status);
      send(res, body.status, body.body);
      return;
    }
    const name = decodeSegment(rawName);
    const event = eventCode(body.event);
    const countedEvent = event < 0 ? NO_EVENT : event;
    const app = event === Event.HELLO || fleet.resync ? fleet.indexFor(name) : fleet.indexOf(name);
    if (app < 0 || (event < 0 && fleet.isStranger(app, event))) {
      metrics.countRequest(countedEvent, 400);
      sendDetail(res, 400, `Received event ${body.event} for unknown app ${name}`);
      return;
    }
    if (event < 0) {
      // Not an event of the protocol: no line of the table has it.
      metrics.countRequest(NO_EVENT, 400);
      sendDetail(res, 400, sequenceError(app, body, Rejection.notInTable, NO_PROGRESS));
      return;
    }
    const oldProgress = fleet.progress[app]!;
    const outcome = fleet.apply(app, event as EventCode, body.progress);
    if (outcome < 0)
      answerRejected(
        res,
        metrics,
        event,
        outcome,
        outcome === Rejection.notGreeted ? `Received event ${body.event} for unknown app ${name}` : sequenceError(app, body, outcome, oldProgress),
      );
    else answerAccepted(res, metrics, commands, OK, event, outcome);
  }

  return {
    // The original reads any body; this bound only keeps one request from taking the memory.
    maxBodyBytes: 16 * 1024 * 1024,
    servoEvent,
    noRoute(_req, res, _path, route) {
      if (route !== undefined) send(res, 405, METHOD_NOT_ALLOWED);
      else send(res, 404, NOT_FOUND);
    },
  };
}
