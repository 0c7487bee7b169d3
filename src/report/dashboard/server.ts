import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../../plan/schema.js';
import type { RunResult } from '../../result/types.js';
import { ThresholdWatch } from '../../thresholds/watch.js';
import { loadChartLibrary } from '../html/vendor.js';
import type { ProgressFrame } from '../progress.js';
import { isLoopbackHost } from './address.js';
import { liveFrameOf, type LiveFrame } from './live-frame.js';
import { renderDashboardPage, type StudyPlace } from './page.js';
import { SteeringError, type Control, type Steering } from './steering.js';

export interface DashboardOptions {
  host: string;
  /** 0: any free port (the dashboard's `url` says which). */
  port: number;
  /** Required of every control request when set; a page without it can watch, not steer. */
  token?: string;
  plan: Plan;
  steering: Steering;
  /** The run is one of a study's: where it stands in it. */
  study?: StudyPlace;
}

/** The live page of one run: fed each second's frame, and the result at the end. */
export interface Dashboard {
  /** Where the page is, with the token in its fragment when there is one (the fragment never reaches a server log). */
  readonly url: string;
  publish(frame: ProgressFrame): void;
  /** Shows the final summary (and where the HTML report is) on every open page, then ends their streams. */
  finish(result: RunResult, reportPath?: string): void;
  /** The study's next run: the page starts over with it (open pages reload). */
  nextRun(run: { plan: Plan; steering: Steering; study: StudyPlace }): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4096;
const CONTROLS: readonly string[] = ['rate', 'concurrency', 'setpoint', 'stop'];

/** The summary the page shows once the run is over. */
function endOf(result: RunResult, reportPath: string | undefined): Record<string, unknown> {
  const { summary } = result;
  return {
    interrupted: result.interrupted,
    interruptReason: result.interruptReason ?? null,
    durationMs: result.durationMs,
    requests: summary.requests,
    rate: summary.rate,
    latencyMs: summary.latencyMs,
    errors: summary.errors,
    thresholds: result.thresholds ?? [],
    warnings: summary.warnings,
    events: result.events ?? [],
    report: reportPath === undefined ? null : pathToFileURL(reportPath).href,
  };
}

/**
 * Serves the dashboard: GET / is the page (uPlot inlined, nothing loaded from elsewhere), GET /stream
 * its server-sent events (every second so far on connecting, then each new one), POST /control a change
 * to the run. A connecting page gets the whole history, so it can be opened at any time of the run.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { token } = options;
  const library = await loadChartLibrary();
  let { plan, steering, study } = options;
  let page = renderDashboardPage(plan, library, study);
  let thresholds = new ThresholdWatch(plan);
  let frames: LiveFrame[] = [];
  const streams = new Set<ServerResponse>();
  let startEpochMs: number | undefined;
  let end: Record<string, unknown> | undefined;
  let knownEvents = 0;

  const send = (stream: ServerResponse, event: string, data: unknown): void => {
    stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const broadcast = (event: string, data: unknown): void => {
    for (const stream of streams) send(stream, event, data);
  };
  const hello = (): Record<string, unknown> => ({
    target: plan.target.url,
    executor: plan.executor.type,
    durationMs: plan.executor.durationMs,
    controls: steering.controls(),
    secondsSoFar: frames.length,
    tokenRequired: token !== undefined,
    thresholds: plan.thresholds.map(({ expression }) => expression),
    ...(study ? { study: { position: study.position, total: study.total } } : {}),
  });
  const eventsSoFar = () => (startEpochMs === undefined ? [] : steering.eventsSince(startEpochMs));

  function openStream(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    // A study's page reconnects as each run ends, to hear of the next one soon after it starts.
    if (study) response.write('retry: 1000\n\n');
    send(response, 'hello', hello());
    for (const frame of frames) send(response, 'frame', frame);
    send(response, 'events', eventsSoFar());
    if (end) {
      send(response, 'end', end);
      response.end();
      return;
    }
    streams.add(response);
    response.on('close', () => streams.delete(response));
  }

  async function control(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return answer(response, 415, { error: 'send the control as application/json' });
    const presented = request.headers['x-salvo-token'];
    if (token !== undefined && presented !== token)
      return answer(response, 403, { error: presented === undefined ? 'this dashboard needs its token to steer the run' : 'wrong token' });
    let body: { what?: unknown; value?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch (error) {
      return answer(response, 400, { error: `not a JSON control: ${(error as Error).message}` });
    }
    const what = body?.what;
    if (typeof what !== 'string' || !CONTROLS.includes(what))
      return answer(response, 400, { error: `"what" must be one of ${CONTROLS.join(', ')}, got ${JSON.stringify(what) ?? 'nothing'}` });
    if (end) return answer(response, 409, { error: 'the run has ended' });
    try {
      if (what === 'stop') steering.stop();
      else steering.set(what as Control, body.value);
    } catch (error) {
      if (error instanceof SteeringError) return answer(response, 400, { error: error.message });
      throw error;
    }
    announceEvents();
    answer(response, 200, { controls: steering.controls() });
  }

  function announceEvents(): void {
    const events = eventsSoFar();
    if (events.length === knownEvents) return;
    knownEvents = events.length;
    broadcast('events', events);
  }

  const server = createServer((request, response) => {
    if (!sameOrigin(request)) return answer(response, 403, { error: 'requests from other sites are refused' });
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page);
    } else if (request.method === 'GET' && path === '/stream') {
      openStream(response);
    } else if (request.method === 'POST' && path === '/control') {
      control(request, response).catch((error: Error) => answer(response, 500, { error: error.message }));
    } else {
      answer(response, 404, { error: 'GET /, GET /stream or POST /control' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    url: `http://${host}:${port}/${token === undefined ? '' : `#token=${encodeURIComponent(token)}`}`,
    publish(frame) {
      startEpochMs ??= frame.last.startEpochMs - frame.last.second * 1000;
      const live = liveFrameOf(frame, steering.controls(), thresholds);
      frames.push(live);
      broadcast('frame', live);
    },
    finish(result, reportPath) {
      startEpochMs = Date.parse(result.startedAt);
      end = endOf(result, reportPath);
      broadcast('end', end);
      endStreams();
    },
    nextRun(next) {
      ({ plan, steering, study } = next);
      page = renderDashboardPage(plan, library, study);
      thresholds = new ThresholdWatch(plan);
      frames = [];
      startEpochMs = end = undefined;
      knownEvents = 0;
      // An open page hears of the new run by reconnecting: its hello names another run, and the page reloads.
      endStreams();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  function endStreams(): void {
    for (const stream of streams) stream.end();
    streams.clear();
  }

  /** A browser sends Origin on a cross-site POST: only the page itself may steer, or read the stream. */
  function sameOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host}`) return false;
    // On loopback, a Host naming another machine is a page that rebound its own name to this address.
    if (!isLoopbackHost(options.host)) return true;
    const hostname = (request.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return hostname === 'localhost' || isLoopbackHost(hostname);
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_BODY_BYTES) throw new Error(`more than ${MAX_BODY_BYTES} bytes`);
  }
  return text;
}
