// `salvo serve servo-fleet`: an emulator of many optimizer backends, one strict state
// machine per application (issue 7), built for speed on one core.
//
// Concurrency is safe by construction. Node runs every request handler on one thread,
// the event loop; the only await-like gap in a request is reading its body. Once the
// body is complete, `handleEvent` parses it, runs Fleet.apply (check state, write state)
// and writes the response without yielding, so no other request can observe or change
// an application between the check and the write. Two servos racing on the same app are
// therefore serialized in body-arrival order, and each sees a whole transition or none:
// no locks, no lost updates, and no state object shared across threads.
//
// Hot path (POST .../servo): the URL is matched without regex (routes.ts), the app number
// indexes typed arrays, JSON.parse is the only parse, and the common answers are Buffers
// built once at start.

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeOnce, keepLoadConnectionsOpen, listen, targetUrl } from '../listen.js';
import { VERSION } from '../../version.js';
import { appName } from './app-name.js';
import { DEFAULT_ADJUST_SETTINGS, commandBodies, type AdjustSettings } from './commands.js';
import { Fleet, NO_PROGRESS } from './fleet.js';
import { FleetMetrics, NO_EVENT } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { EVENT_NAMES, Event, eventCode, type EventCode } from './protocol.js';
import { NOT_SERVO, UNKNOWN_APP, appNameInUrl, isOverrides, servoApp } from './routes.js';
import { loadStateFile, saveStateFile } from './snapshot.js';

export interface ServoFleetOptions {
  /** Number of applications, app00000..app(N-1). Default 5000. */
  apps?: number;
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Adopt the state implied by the first event of an app never greeted, instead of rejecting it. */
  resync?: boolean;
  /** Restored on start when it exists; written on close. */
  stateFile?: string;
  adjustSettings?: AdjustSettings;
  /** One line per notable happening (resync adoptions, state file restored/saved). Default: stdout. */
  log?: (line: string) => void;
}

export interface RunningServoFleet {
  url: string;
  host: string;
  port: number;
  fleet: Fleet;
  /** Stops listening, drops connections, writes the state file if one was given. */
  close(): Promise<void>;
}

/** Largest request body accepted; servo events are a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = 'application/json';
const OK_BODY = Buffer.from('{"status":"ok"}');
const OK_HEADERS = ['Content-Type', JSON_TYPE, 'Content-Length', String(OK_BODY.length)];
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function send(res: ServerResponse, status: number, body: Buffer, type = JSON_TYPE): void {
  res.writeHead(status, ['Content-Type', type, 'Content-Length', String(body.length)]);
  res.end(body);
}

function sendDetail(res: ServerResponse, status: number, detail: string): void {
  send(res, status, Buffer.from(JSON.stringify({ detail })));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function noop(): void {}

export async function startServoFleet(options: ServoFleetOptions = {}): Promise<RunningServoFleet> {
  const apps = options.apps ?? 5000;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const metrics = new FleetMetrics();
  const fleet = new Fleet(apps, options.resync ?? false, (app, event, adopted) => {
    metrics.resyncAdoptions++;
    log(`resync: ${appName(app)} sent ${EVENT_NAMES[event]} without HELLO; adopted state ${adopted}`);
  });
  if (options.stateFile !== undefined) {
    const restored = loadStateFile(fleet, options.stateFile);
    if (restored > 0) log(`restored ${restored} application state(s) from ${options.stateFile}`);
  }

  const commands = commandBodies(options.adjustSettings ?? DEFAULT_ADJUST_SETTINGS);
  const openApi = Buffer.from(JSON.stringify(openApiDocument(apps, VERSION)));
  const overrides = (() => {
    const list: Record<string, unknown> = {};
    for (let i = 0; i < apps; i++) list[appName(i)] = { mode: null, mode_limit: null, state: 'active' };
    return Buffer.from(JSON.stringify(list));
  })();

  function handleEvent(res: ServerResponse, url: string, app: number, body: Buffer): void {
    if (app === UNKNOWN_APP) {
      metrics.countRequest(NO_EVENT, 404);
      sendDetail(res, 404, `no application ${JSON.stringify(appNameInUrl(url))}: this fleet has app00000..${appName(apps - 1)}`);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch (error) {
      metrics.countRequest(NO_EVENT, 400);
      sendDetail(res, 400, `${appName(app)}: the body is not JSON (${(error as Error).message}); state unchanged`);
      return;
    }
    if (!isObject(message) || typeof message.event !== 'string') {
      metrics.countRequest(NO_EVENT, 400);
      const why = !isObject(message) ? 'the body is not a JSON object' : message.event === undefined ? 'the body has no "event"' : '"event" is not a string';
      sendDetail(res, 400, `${appName(app)}: ${why}; state unchanged`);
      return;
    }
    const event = eventCode(message.event);
    if (event < 0) {
      metrics.countRequest(NO_EVENT, 400);
      sendDetail(res, 400, `${appName(app)}: unknown event ${JSON.stringify(message.event)} (expected one of ${EVENT_NAMES.join(', ')}); state unchanged`);
      return;
    }
    const param = message.param;
    let progress = NO_PROGRESS;
    if (param !== undefined && param !== null) {
      if (!isObject(param)) {
        metrics.countRequest(event, 400);
        sendDetail(res, 400, `${appName(app)}: ${message.event}: "param" is not an object; state unchanged`);
        return;
      }
      const reported = param.progress;
      if ((event === Event.MEASUREMENT || event === Event.ADJUSTMENT) && reported !== undefined && reported !== null) {
        if (!Number.isInteger(reported) || (reported as number) < 0 || (reported as number) > 100) {
          metrics.countRequest(event, 400);
          sendDetail(res, 400, `${appName(app)}: ${message.event}: progress ${JSON.stringify(reported)} is not an integer percent 0..100; state unchanged`);
          return;
        }
        progress = reported as number;
      }
    }
    const outcome = fleet.apply(app, event as EventCode, progress);
    if (outcome < 0) {
      metrics.countRequest(event, 400);
      metrics.countSequenceError(event, outcome);
      sendDetail(res, 400, fleet.reason(app, event as EventCode, progress, outcome));
      return;
    }
    metrics.countRequest(event, 200);
    if (event === Event.WHATS_NEXT) {
      send(res, 200, commands[outcome]!);
    } else {
      res.writeHead(200, OK_HEADERS);
      res.end(OK_BODY);
    }
  }

  function handleGet(req: IncomingMessage, res: ServerResponse, url: string): void {
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (servoApp(url, apps) !== NOT_SERVO) {
        res.setHeader('Allow', 'POST');
        sendDetail(res, 405, `${req.method} ${path}: the servo endpoint takes POST`);
      } else {
        sendDetail(res, 404, `no route for ${req.method} ${path}`);
      }
      return;
    }
    if (path === '/') {
      send(res, 200, Buffer.from(JSON.stringify(fleet.statistics())));
    } else if (path === '/metrics') {
      send(res, 200, Buffer.from(metrics.render(fleet)), METRICS_TYPE);
    } else if (path === '/openapi.json') {
      send(res, 200, openApi);
    } else {
      if (isOverrides(path)) {
        send(res, 200, overrides);
      } else if (servoApp(path, apps) !== NOT_SERVO) {
        res.setHeader('Allow', 'POST');
        sendDetail(res, 405, `${req.method} ${path}: the servo endpoint takes POST`);
      } else {
        sendDetail(res, 404, `no route for ${req.method} ${path}`);
      }
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const app = req.method === 'POST' ? servoApp(url, apps) : NOT_SERVO;
    req.on('error', noop);
    if (app === NOT_SERVO) {
      // Drain any body first so the connection stays reusable.
      req.on('end', () => handleGet(req, res, url));
      req.resume();
      return;
    }
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return; // keep draining, answer 413 at the end
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        metrics.countRequest(NO_EVENT, 413);
        sendDetail(res, 413, `the body is larger than ${MAX_BODY_BYTES} bytes; state unchanged`);
        return;
      }
      handleEvent(res, url, app, more !== undefined ? Buffer.concat(more) : (first ?? Buffer.alloc(0)));
    });
  }

  const server = createServer({ keepAlive: true, noDelay: true }, onRequest);
  keepLoadConnectionsOpen(server);
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const url = targetUrl('http', host, port);

  const close = closeOnce(
    server,
    () => server.closeAllConnections(),
    () => {
      if (options.stateFile !== undefined) {
        saveStateFile(fleet, options.stateFile);
        log(`saved ${fleet.statistics().n} application state(s) to ${options.stateFile}`);
      }
    },
  );

  return { url, host, port, fleet, close };
}
