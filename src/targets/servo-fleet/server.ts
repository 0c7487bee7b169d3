// `salvo serve servo-fleet`: an emulator of many optimizer backends, one state machine per
// application, built for speed on one core. By default it answers as the original voracious.py
// does (voracious-dialect.ts); --strict validates as salvo's own protocol view (strict-dialect.ts).
//
// Concurrency is safe by construction. Node runs every request handler on one thread,
// the event loop; the only await-like gap in a request is reading its body. Once the
// body is complete, the dialect parses it, runs Fleet.apply (check state, write state)
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
import { answerParserRejections } from '../parser-rejections.js';
import { VERSION } from '../../version.js';
import { appName } from './app-name.js';
import { DEFAULT_ADJUST_SETTINGS, commandBodies, type AdjustSettings } from './commands.js';
import type { Dialect } from './dialect.js';
import { docsPage } from './docs-pages.js';
import { Fleet } from './fleet.js';
import { FleetMetrics, NO_EVENT } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { floatRepr } from './python/values.js';
import { EVENT_NAMES } from './protocol.js';
import { send, sendDetail } from './reply.js';
import { isOverrides, servoAppSegment } from './routes.js';
import { loadStateFile, saveStateFile } from './snapshot.js';
import { strictDialect } from './strict-dialect.js';
import { voraciousDialect } from './voracious-dialect.js';

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
  /** Salvo's stricter validation instead of the original's answers (see strict-dialect.ts). */
  strict?: boolean;
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

const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** GET / as the original prints it: Python's json, so the average is always a float ("1.0"). */
function statisticsBody(fleet: Fleet): string {
  const { n, average, min, max } = fleet.statistics();
  return average === null ? `{"n":${n},"average":null,"min":null,"max":null}` : `{"n":${n},"average":${floatRepr(average)},"min":${min},"max":${max}}`;
}

function noop(): void {}

export async function startServoFleet(options: ServoFleetOptions = {}): Promise<RunningServoFleet> {
  const apps = options.apps ?? 5000;
  const strict = options.strict ?? false;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const metrics = new FleetMetrics();
  const fleet = new Fleet(apps, { resync: options.resync ?? false, voracious: !strict }, (app, event, adopted) => {
    metrics.resyncAdoptions++;
    log(`resync: ${fleet.nameOf(app)} sent ${EVENT_NAMES[event]} without HELLO; adopted state ${adopted}`);
  });
  if (options.stateFile !== undefined) {
    const restored = loadStateFile(fleet, options.stateFile);
    if (restored > 0) log(`restored ${restored} application state(s) from ${options.stateFile}`);
  }

  const commands = commandBodies(options.adjustSettings ?? DEFAULT_ADJUST_SETTINGS, strict);
  const dialect: Dialect = strict ? strictDialect(fleet, metrics, commands) : voraciousDialect(fleet, metrics, commands);
  const openApi = Buffer.from(JSON.stringify(openApiDocument(apps, VERSION, strict)));
  const overrides = (() => {
    const list: Record<string, unknown> = {};
    for (let i = 0; i < apps; i++) list[appName(i)] = { mode: null, mode_limit: null, state: 'active' };
    return Buffer.from(JSON.stringify(list));
  })();

  /** Every route but the servo event's. */
  function handleOther(req: IncomingMessage, res: ServerResponse, path: string, servoPath: boolean): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const getPath = path === '/' || path === '/metrics' || path === '/openapi.json' || isOverrides(path) || docsPage(path) !== undefined;
      dialect.noRoute(req, res, path, servoPath ? 'servo' : getPath ? 'get' : undefined);
      return;
    }
    if (path === '/') {
      send(res, 200, statisticsBody(fleet));
    } else if (path === '/metrics') {
      metrics.render(fleet).then(
        (text) => send(res, 200, text, METRICS_TYPE),
        (error: unknown) => send(res, 500, `${error instanceof Error ? error.message : String(error)}\n`, 'text/plain'),
      );
    } else if (path === '/openapi.json') {
      send(res, 200, openApi);
    } else if (isOverrides(path)) {
      send(res, 200, overrides);
    } else {
      const page = docsPage(path);
      if (page !== undefined) send(res, 200, page.body, page.type);
      else dialect.noRoute(req, res, path, servoPath ? 'servo' : undefined);
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const servoName = servoAppSegment(path);
    req.on('error', noop);
    if (servoName === undefined || req.method !== 'POST') {
      // Drain any body first so the connection stays reusable.
      req.on('end', () => handleOther(req, res, path, servoName !== undefined));
      req.resume();
      return;
    }
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > dialect.maxBodyBytes) return; // keep draining, answer 413 at the end
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (size > dialect.maxBodyBytes) {
        metrics.countRequest(NO_EVENT, 413);
        sendDetail(res, 413, `the body is larger than ${dialect.maxBodyBytes} bytes; state unchanged`);
        return;
      }
      dialect.servoEvent(res, servoName, more !== undefined ? Buffer.concat(more) : (first ?? Buffer.alloc(0)));
    });
  }

  const server = createServer({ keepAlive: true, noDelay: true }, onRequest);
  keepLoadConnectionsOpen(server);
  answerParserRejections(server, ({ code, status }) => metrics.countMalformed(code, status));
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
