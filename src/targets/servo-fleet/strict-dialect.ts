// --strict: salvo's own validation of the servo protocol. Only app00000..app(N-1) exist (404
// for others), the body must be a JSON object with a known event, and progress an integer
// percent 0..100; every 400 names the app, the event and the state.

import type { ServerResponse } from 'node:http';
import type { Dialect } from './dialect.js';
import { type Fleet, NO_PROGRESS } from './fleet.js';
import { type FleetMetrics, NO_EVENT } from './metrics.js';
import { EVENT_NAMES, Event, eventCode, type EventCode } from './protocol.js';
import { answerAccepted, answerRejected, okReply } from './outcome.js';
import { sendDetail } from './reply.js';

const OK = okReply('{"status":"ok"}');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function strictDialect(fleet: Fleet, metrics: FleetMetrics, commands: Buffer[]): Dialect {
  const last = fleet.nameOf(fleet.size - 1);

  function servoEvent(res: ServerResponse, name: string, body: Buffer): void {
    const app = fleet.indexOf(name);
    if (app < 0) {
      metrics.countRequest(NO_EVENT, 404);
      sendDetail(res, 404, `no application ${JSON.stringify(name)}: this fleet has app00000..${last}`);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch (error) {
      metrics.countRequest(NO_EVENT, 400);
      sendDetail(res, 400, `${name}: the body is not JSON (${(error as Error).message}); state unchanged`);
      return;
    }
    if (!isObject(message) || typeof message.event !== 'string') {
      metrics.countRequest(NO_EVENT, 400);
      const why = !isObject(message) ? 'the body is not a JSON object' : message.event === undefined ? 'the body has no "event"' : '"event" is not a string';
      sendDetail(res, 400, `${name}: ${why}; state unchanged`);
      return;
    }
    const event = eventCode(message.event);
    if (event < 0) {
      metrics.countRequest(NO_EVENT, 400);
      sendDetail(res, 400, `${name}: unknown event ${JSON.stringify(message.event)} (expected one of ${EVENT_NAMES.join(', ')}); state unchanged`);
      return;
    }
    const param = message.param;
    let progress = NO_PROGRESS;
    if (param !== undefined && param !== null) {
      if (!isObject(param)) {
        metrics.countRequest(event, 400);
        sendDetail(res, 400, `${name}: ${message.event}: "param" is not an object; state unchanged`);
        return;
      }
      const reported = param.progress;
      if ((event === Event.MEASUREMENT || event === Event.ADJUSTMENT) && reported !== undefined && reported !== null) {
        if (!Number.isInteger(reported) || (reported as number) < 0 || (reported as number) > 100) {
          metrics.countRequest(event, 400);
          sendDetail(res, 400, `${name}: ${message.event}: progress ${JSON.stringify(reported)} is not an integer percent 0..100; state unchanged`);
          return;
        }
        progress = reported as number;
      }
    }
    const outcome = fleet.apply(app, event as EventCode, progress);
    if (outcome < 0) answerRejected(res, metrics, event, outcome, fleet.reason(app, event as EventCode, progress, outcome));
    else answerAccepted(res, metrics, commands, OK, event, outcome);
  }

  return {
    maxBodyBytes: 64 * 1024,
    servoEvent,
    noRoute(req, res, path, route) {
      if (route === 'servo') {
        res.setHeader('Allow', 'POST');
        sendDetail(res, 405, `${req.method} ${path}: the servo endpoint takes POST`);
      } else {
        sendDetail(res, 404, `no route for ${req.method} ${path}`);
      }
    },
  };
}
