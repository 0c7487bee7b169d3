import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXIT, SalvoError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import { formatMs } from '../units/format.js';
import { mergeResults } from '../result/merge.js';
import { RESULT_SCHEMA, type RunResult } from '../result/types.js';
import { shardLabel, type Shard } from '../plan/shard.js';
import { ShardsLive, type JoinedSecond, type ShardSecond } from './shards-live.js';

/**
 * `salvo coordinate`: shards started with `--coordinator host:port` report ready; once all are, each is
 * told the same start instant a little ahead (their --start-at); then each sends its result, and the
 * coordinator merges them. The protocol is JSON over HTTP/1.1:
 *   POST /ready  {shard, plan}  → held until every shard is ready → {startAtMs, live?} (409/503 {error} when refused)
 *   POST /result RunResult      → {ok: true}
 * and, while the run is watched (`live`: the answer to /ready says so), each shard also
 *   POST /second ShardSecond    → {ok: true}    each second as it closes
 *   GET  /steer?shard=i         → server-sent events, one ShardCommand each, until the shard's result
 */
export interface CoordinatorOptions {
  shards: number;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** How long to wait for every shard to be ready. */
  readyTimeoutMs: number;
  /** From "all ready" to time zero: long enough for the answer to reach every shard. */
  leadMs?: number;
  /** Told as each shard joins and as each result arrives (progress for people). */
  onShard?: (event: 'ready' | 'result', shard: Shard) => void;
  /** Watch and steer the shards as one run while it lasts (a dashboard on the coordinator). */
  live?: {
    /** Once every shard is ready, before they are told to start: a failure here starts nothing. */
    beforeStart(plan: Plan): Promise<void>;
    onSecond(second: JoinedSecond): void;
  };
}

export interface ReadyRequest {
  shard: Shard;
  /** The plan without its shard: every shard must run the same one. */
  plan: Plan;
}

/** Why a coordinated run failed, in one line; `results` holds the shard results that did arrive, so none is lost. */
export class CoordinatorError extends SalvoError {
  override name = 'CoordinatorError';
  constructor(
    message: string,
    /** Whether the shards had been started: before, nothing ran; after, the results that came are in `results`. */
    readonly afterStart: boolean,
    readonly results: readonly RunResult[] = [],
  ) {
    // Shards that started and failed are no mistake in the input.
    super('ERR_COORDINATOR', message, { exitCode: afterStart ? EXIT.internal : EXIT.usage });
  }
}

export interface RunningCoordinator {
  url: string;
  /** Every shard is ready: the instant they start at, epoch ms. */
  readonly started: Promise<number>;
  /** The merged result, or a CoordinatorError naming the shards that were missing. */
  readonly merged: Promise<RunResult>;
  /** With `live`: the shards as one run to steer. */
  readonly shards?: ShardsLive;
  /** Gives up now (a signal): waiting shards are told, and `merged` rejects with the results that came. */
  abort(reason: string): void;
  close(): Promise<void>;
}

/** What `salvo coordinate --print-result` puts before the merged result's one JSON line: how `salvo k8s run` finds it in the log. */
export const RESULT_LINE_PREFIX = 'salvo-result: ';

const DEFAULT_LEAD_MS = 1000;
/** Past a shard's planned end (duration + grace), how long its result may still take: its probe, its drain, its files. */
const RESULT_GRACE_MS = 30_000;
/** Results hold a histogram per second: an hour's run is tens of MB. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

/** "shard 2/3" or "shards 2/3, 3/3". */
const named = (shards: readonly Shard[]): string => `${shards.length === 1 ? 'shard' : 'shards'} ${shards.map(shardLabel).join(', ')}`;
const missingOf = (count: number, present: ReadonlyMap<number, unknown>): Shard[] =>
  Array.from({ length: count }, (_, index) => ({ index: index + 1, count })).filter((shard) => !present.has(shard.index));

export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const { shards: count } = options;
  const ready = new Map<number, { plan: Plan; answer: (status: number, body: unknown) => void }>();
  const results = new Map<number, RunResult>();
  let startAtMs: number | undefined;
  let failure: string | undefined;
  let resolveStarted: (atMs: number) => void = () => {};
  let resolveMerged: (result: RunResult) => void = () => {};
  let rejectMerged: (error: Error) => void = () => {};
  const started = new Promise<number>((resolve) => (resolveStarted = resolve));
  const merged = new Promise<RunResult>((resolve, reject) => {
    resolveMerged = resolve;
    rejectMerged = reject;
  });
  // Handled by whoever awaits it; never an unhandled rejection when nobody does yet.
  merged.catch(() => {});
  const live = options.live;
  const shards = live ? new ShardsLive(count, (second) => live.onSecond(second)) : undefined;

  function fail(message: string): void {
    if (failure !== undefined) return;
    failure = message;
    for (const { answer } of ready.values()) answer(503, { error: `the coordinator gave up: ${message}` });
    rejectMerged(new CoordinatorError(message, startAtMs !== undefined, [...results.values()]));
  }

  let readyTimer: NodeJS.Timeout | undefined;
  let resultTimer: NodeJS.Timeout | undefined;

  function onReady(request: ReadyRequest, answer: (status: number, body: unknown) => void): void {
    const { shard, plan } = request;
    const refuse = (error: string): void => answer(409, { error });
    if (failure !== undefined) return answer(503, { error: `the coordinator gave up: ${failure}` });
    if (shard?.count !== count || !(shard.index >= 1 && shard.index <= count))
      return refuse(`this coordinator runs ${count} shards, not shard ${shard ? shardLabel(shard) : '?'}`);
    if (ready.has(shard.index) || startAtMs !== undefined) return refuse(`shard ${shardLabel(shard)} has already joined`);
    const first = ready.values().next().value;
    if (first && JSON.stringify(first.plan) !== JSON.stringify(plan))
      return refuse(`shard ${shardLabel(shard)} runs a different plan than the shards already here, and would not merge with them`);
    ready.set(shard.index, { plan, answer });
    options.onShard?.('ready', shard);
    if (ready.size < count) return;
    clearTimeout(readyTimer);
    if (live === undefined) return start(plan);
    live.beforeStart(plan).then(
      () => start(plan),
      (error: Error) => fail(error.message),
    );
  }

  function start(plan: Plan): void {
    if (failure !== undefined) return;
    startAtMs = Date.now() + (options.leadMs ?? DEFAULT_LEAD_MS);
    for (const { answer: tell } of ready.values()) tell(200, { startAtMs, ...(live ? { live: true } : {}) });
    resolveStarted(startAtMs);
    const endMs = startAtMs + plan.executor.durationMs + plan.gracefulStopMs + RESULT_GRACE_MS;
    resultTimer = setTimeout(() => fail(`${named(missingOf(count, results))} sent no result by ${new Date(endMs).toISOString()}`), endMs - Date.now());
  }

  function onResult(result: RunResult, answer: (status: number, body: unknown) => void): void {
    const shard = result?.plan?.shard;
    if (result?.schema !== RESULT_SCHEMA || shard === undefined) return answer(400, { error: 'not the result of a shard' });
    if (startAtMs === undefined || !ready.has(shard.index) || shard.count !== count)
      return answer(409, { error: `shard ${shardLabel(shard)} did not join this run` });
    if (results.has(shard.index)) return answer(409, { error: `shard ${shardLabel(shard)} sent its result already` });
    results.set(shard.index, result);
    shards?.retire(shard.index);
    answer(200, { ok: true });
    options.onShard?.('result', shard);
    if (results.size < count || failure !== undefined) return;
    clearTimeout(resultTimer);
    const ordered = [...results.values()].sort((a, b) => a.plan.shard!.index - b.plan.shard!.index);
    try {
      resolveMerged(
        mergeResults(
          ordered,
          ordered.map((each) => `shard ${shardLabel(each.plan.shard!)}`),
        ),
      );
    } catch (error) {
      fail((error as Error).message);
    }
  }

  const joined = (index: unknown): boolean => startAtMs !== undefined && typeof index === 'number' && ready.has(index) && !results.has(index);

  function onSecond(second: ShardSecond, answer: (status: number, body: unknown) => void): void {
    if (!joined(second?.shard) || typeof second.sample?.second !== 'number') return answer(409, { error: 'not a second of a shard of this run' });
    shards!.offer(second);
    answer(200, { ok: true });
  }

  function onSteer(index: number, response: ServerResponse, answer: (status: number, body: unknown) => void): void {
    if (!joined(index)) return answer(409, { error: `shard ${index}/${count} is not running in this run` });
    shards!.follow(index, response);
  }

  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown): void => {
      // A shard told to start has had its answer; giving up later owes it nothing more.
      if (response.headersSent) return;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const steered = request.method === 'GET' && shards !== undefined ? /^\/steer\?shard=(\d+)$/.exec(request.url ?? '') : null;
    if (steered) return onSteer(Number(steered[1]), response, answer);
    readJson(request, response)
      .then((body) => {
        if (request.method === 'POST' && request.url === '/ready') onReady(body as ReadyRequest, answer);
        else if (request.method === 'POST' && request.url === '/result') onResult(body as RunResult, answer);
        else if (request.method === 'POST' && request.url === '/second' && shards !== undefined) onSecond(body as ShardSecond, answer);
        else answer(404, { error: `no ${request.method} ${request.url} here: POST /ready or /result` });
      })
      .catch((error: Error) => answer(400, { error: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  // Only once listening: a coordinator that could not listen must not stay alive waiting for shards.
  readyTimer = setTimeout(() => fail(`${named(missingOf(count, ready))} never arrived within ${formatMs(options.readyTimeoutMs)}`), options.readyTimeoutMs);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    started,
    merged,
    ...(shards ? { shards } : {}),
    abort: fail,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(readyTimer);
        clearTimeout(resultTimer);
        shards?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(request: IncomingMessage, response: ServerResponse): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      response.setHeader('connection', 'close');
      throw new Error(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('the body is not JSON');
  }
}
