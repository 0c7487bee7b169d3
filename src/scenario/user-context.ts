import { randomUUID } from 'node:crypto';
import type { Breakdown } from '../metrics/breakdown.js';
import { encodeRequest } from '../protocols/http1/request.js';
import type { HttpReply, UserConnection } from '../protocols/http1/user-connections.js';
import type { Clock, Timer } from '../time/clock.js';
import type { HttpClient, RandomHelpers, RequestOptions, Response, UserContext } from './api.js';
import type { DataSets } from './data.js';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const FORBIDDEN_IN_HEADER = /[\r\n\0]/;

/** What a user's context needs from its executor. */
export interface UserContextOptions {
  id: number;
  type: string;
  base: URL;
  connection: UserConnection;
  clock: Clock;
  breakdown: Breakdown;
  /** The phase requests are counted in now. */
  phase: () => number;
  data: DataSets;
  random: () => number;
}

function respond(reply: HttpReply): Response {
  return {
    ...reply,
    text: () => reply.body.toString('utf8'),
    json: <T>() => JSON.parse(reply.body.toString('utf8')) as T,
  };
}

function randomHelpers(random: () => number): RandomHelpers {
  return {
    float: random,
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('random.pick needs at least one item');
      return items[Math.floor(random() * items.length)]!;
    },
    string: (length) => {
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)];
      return text;
    },
    uuid: () => randomUUID(),
  };
}

/** One virtual user's view of the run: the object its tasks receive as `ctx`. */
export class VirtualUserContext implements UserContext {
  readonly user: { readonly id: number; readonly type: string };
  readonly http: HttpClient;
  readonly vars: Record<string, unknown> = {};
  readonly data: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  readonly random: RandomHelpers;
  /** The task whose name requests are counted under unless they give one. */
  taskName = 'onStart';
  private stopRequested = false;
  private cutOff = false;
  private sleeping: { timer: Timer; wake: () => void } | undefined;

  constructor(private readonly options: UserContextOptions) {
    this.user = { id: options.id, type: options.type };
    this.data = options.data.shareOf(options.id);
    this.random = randomHelpers(options.random);
    const request = (method: string, url: string, requestOptions?: RequestOptions) => this.request(method, url, requestOptions);
    this.http = {
      request,
      get: (url, requestOptions) => request('GET', url, requestOptions),
      head: (url, requestOptions) => request('HEAD', url, requestOptions),
      delete: (url, requestOptions) => request('DELETE', url, requestOptions),
      post: (url, requestOptions) => request('POST', url, requestOptions),
      put: (url, requestOptions) => request('PUT', url, requestOptions),
      patch: (url, requestOptions) => request('PATCH', url, requestOptions),
    };
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Asks the user to stop after its current task; a sleep in progress ends now. */
  requestStop(): void {
    this.stopRequested = true;
    const sleeping = this.sleeping;
    this.sleeping = undefined;
    sleeping?.timer.cancel();
    sleeping?.wake();
  }

  /** True once the user was cut off for overstaying its graceful stop: it must do nothing more, onStop included. */
  get abandoned(): boolean {
    return this.cutOff;
  }

  /** Cuts the user off: its request in flight fails as timeout and its connection closes. */
  abandon(): void {
    this.cutOff = true;
    this.requestStop();
    this.options.connection.fail('timeout');
    this.options.connection.close();
  }

  check<T>(value: T, checks: Record<string, (value: T) => boolean>): boolean {
    let all = true;
    for (const [name, predicate] of Object.entries(checks)) {
      let passed: boolean;
      try {
        passed = predicate(value) === true;
      } catch {
        passed = false; // a check that throws (reading a field of a missing body) has failed, like k6's
      }
      this.options.breakdown.check(name, passed);
      all &&= passed;
    }
    return all;
  }

  count(name: string, by = 1): void {
    if (!Number.isFinite(by)) throw new RangeError(`count "${name}": by must be a finite number, got ${by}`);
    this.options.breakdown.count(name, by);
  }

  sleep(ms: number): Promise<void> {
    if (this.stopRequested || !(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimer(() => {
        this.sleeping = undefined;
        resolve();
      }, ms);
      this.sleeping = { timer, wake: resolve };
    });
  }

  row(set: string): Record<string, unknown> {
    const rows = this.data[set];
    if (rows === undefined) throw new Error(`no data set named "${set}" (the plan's data: ${Object.keys(this.data).join(', ') || 'none'})`);
    if (rows.length === 0) throw new Error(`data set "${set}" has no row for user ${this.user.id}`);
    return rows[0]!;
  }

  private async request(method: string, target: string, options: RequestOptions = {}): Promise<Response> {
    const { base, connection, clock, breakdown } = this.options;
    const url = new URL(target, base);
    if (url.origin !== base.origin) throw new Error(`a virtual user's requests go to the plan's target ${base.origin}, not ${url.origin}`);
    const headers = Object.entries(options.headers ?? {});
    for (const [name, value] of headers) {
      if (FORBIDDEN_IN_HEADER.test(name) || FORBIDDEN_IN_HEADER.test(value)) throw new Error(`header ${JSON.stringify(name)}: CR, LF and NUL are not allowed`);
    }
    const body = requestBody(options, headers);
    const phase = this.options.phase();
    const startUs = clock.nowUs();
    const reply = await connection.request(encodeRequest(method, url, headers, body), method === 'HEAD');
    breakdown.record(options.name ?? this.taskName, this.user.type, phase, clock.nowUs() - startUs, reply.error !== undefined || reply.status >= 400);
    return respond(reply);
  }
}

/** The body `options` give, at most one of body, json and form, with the Content-Type it implies unless the headers set one. */
function requestBody(options: RequestOptions, headers: [string, string][]): Buffer | undefined {
  const given = (['body', 'json', 'form'] as const).filter((key) => options[key] !== undefined);
  if (given.length > 1) throw new Error(`a request takes one of body, json or form, not ${given.join(' and ')}`);
  const withType = (contentType: string, text: string): Buffer => {
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['Content-Type', contentType]);
    return Buffer.from(text, 'utf8');
  };
  if (options.json !== undefined) return withType('application/json', JSON.stringify(options.json));
  if (options.form !== undefined) return withType('application/x-www-form-urlencoded', encodeForm(options.form));
  return typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
}

function encodeForm(form: NonNullable<RequestOptions['form']>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!['string', 'number', 'boolean'].includes(typeof item))
        throw new Error(`form field ${JSON.stringify(key)}: a value must be a string, number or boolean (or a list of them)`);
      params.append(key, String(item));
    }
  }
  return params.toString();
}
