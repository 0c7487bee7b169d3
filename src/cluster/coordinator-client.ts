import { Agent, get, request } from 'node:http';
import type { Plan } from '../plan/schema.js';
import type { RunResult } from '../result/types.js';
import type { ReadyRequest } from './coordinator.js';
import type { ShardCommand, ShardSecond } from './shards-live.js';
import { SalvoError, type SalvoErrorOptions } from '../errors.js';
import { ListenAddressError, parseListenAddress } from '../plan/listen-address.js';

/** Why a shard could not work with its coordinator, in one line. */
export class CoordinatorClientError extends SalvoError {
  override name = 'CoordinatorClientError';
  constructor(message: string, options?: SalvoErrorOptions) {
    super('ERR_COORDINATOR', message, options);
  }
}

/** "host:port" of a server to reach (so not port 0) → its parts; anything else is refused in one line. */
export function parseHostPort(text: string): { host: string; port: number } {
  const address = (() => {
    try {
      return parseListenAddress(text);
    } catch (error) {
      if (error instanceof ListenAddressError) return undefined;
      throw error;
    }
  })();
  if (address === undefined || address.port === 0) throw new CoordinatorClientError(`"${text}" is not host:port (e.g. 127.0.0.1:7070)`);
  return address;
}

/** A shard may start before its coordinator (pods do): it keeps trying to reach it this long. */
const CONNECT_TIMEOUT_MS = 60_000;
const RETRY_MS = 500;
/** The longest a shard waits for the others to be ready (the coordinator's own --timeout is normally shorter). */
const READY_WAIT_MS = 15 * 60_000;

interface Answer {
  status: number;
  body: { startAtMs?: number; live?: boolean; error?: string };
}

function post(address: { host: string; port: number }, path: string, body: unknown, timeoutMs: number, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const outgoing = request(
      {
        host: address.host,
        port: address.port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
        timeout: timeoutMs,
        ...(agent ? { agent } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'] });
          } catch {
            reject(
              new CoordinatorClientError(
                `the coordinator at ${address.host}:${address.port} answered ${response.statusCode} without JSON: is it a salvo coordinator?`,
              ),
            );
          }
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new CoordinatorClientError(`the coordinator at ${address.host}:${address.port} did not answer within ${timeoutMs / 1000}s`)),
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Posts, retrying while nothing listens yet (the coordinator may come up after the shard), up to CONNECT_TIMEOUT_MS. */
async function postPatiently(address: { host: string; port: number }, path: string, body: unknown, timeoutMs: number): Promise<Answer> {
  const giveUpAt = Date.now() + CONNECT_TIMEOUT_MS;
  for (;;) {
    try {
      return await post(address, path, body, timeoutMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const retryable = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH';
      if (!retryable)
        throw error instanceof CoordinatorClientError
          ? error
          : new CoordinatorClientError(`coordinator ${address.host}:${address.port}: ${code ?? (error as Error).message}`);
      if (Date.now() >= giveUpAt)
        throw new CoordinatorClientError(`cannot reach the coordinator at ${address.host}:${address.port} (${code}) for ${CONNECT_TIMEOUT_MS / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/** The start instant (epoch ms) and whether the coordinator watches the run live (then the shard streams to it: see `ShardLink`). */
export interface Start {
  startAtMs: number;
  live: boolean;
}

/** Tells the coordinator this shard is ready and waits for the others. */
export async function joinCoordinator(address: { host: string; port: number }, plan: Plan): Promise<Start> {
  const { shard, ...rest } = plan;
  if (shard === undefined) throw new CoordinatorClientError('--coordinator needs --shard: the coordinator merges shards');
  const ready: ReadyRequest = { shard, plan: rest };
  const { status, body } = await postPatiently(address, '/ready', ready, READY_WAIT_MS);
  if (status !== 200 || typeof body.startAtMs !== 'number') throw new CoordinatorClientError(body.error ?? `the coordinator answered ${status}`);
  return { startAtMs: body.startAtMs, live: body.live === true };
}

/** How long a second may take to reach the coordinator before it is given up (the next one carries on). */
const SECOND_TIMEOUT_MS = 5_000;

/**
 * A shard's live link to a coordinator that watches the run: its seconds go up as they close, and the
 * changes made on the coordinator's dashboard come down a stream and are applied to the run. The
 * link never holds the run up: a second that does not get through is the display's loss, not the
 * result's (the result goes to the coordinator whole at the end).
 */
export class ShardLink {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private steer: ReturnType<typeof get> | undefined;
  private closed = false;
  private readonly sending = new Set<Promise<unknown>>();

  constructor(
    private readonly address: { host: string; port: number },
    private readonly shard: number,
  ) {}

  sendSecond(second: Omit<ShardSecond, 'shard'>): void {
    if (this.closed) return;
    const sent = post(this.address, '/second', { shard: this.shard, ...second }, SECOND_TIMEOUT_MS, this.agent).catch(() => {});
    this.sending.add(sent);
    void sent.then(() => this.sending.delete(sent));
  }

  /** Applies each change the coordinator sends, in order, until `close`. */
  follow(apply: (command: ShardCommand) => void): void {
    this.steer = get({ host: this.address.host, port: this.address.port, path: `/steer?shard=${this.shard}` }, (response) => {
      if (response.statusCode !== 200) return response.resume();
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
          const event = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (event.startsWith('data: ')) apply(JSON.parse(event.slice('data: '.length)) as ShardCommand);
        }
      });
    });
    // The stream ends with the run; a coordinator gone meanwhile leaves the shard running as planned.
    this.steer.on('error', () => {});
  }

  /** Once the seconds on their way have arrived, so that the run's last second reaches the display before its result does. */
  async close(): Promise<void> {
    this.closed = true;
    this.steer?.destroy();
    await Promise.all(this.sending);
    this.agent.destroy();
  }
}

/** Hands this shard's result to the coordinator. */
export async function sendResult(address: { host: string; port: number }, result: RunResult): Promise<void> {
  const { status, body } = await postPatiently(address, '/result', result, 60_000);
  if (status !== 200) throw new CoordinatorClientError(`the coordinator refused the result: ${body.error ?? status}`);
}
