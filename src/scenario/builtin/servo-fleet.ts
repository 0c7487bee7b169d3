// Issue 7's fleet load: every virtual user is the servo of one application, speaking the servo
// protocol to an optimizer backend (such as `salvo serve servo-fleet`). Written with the same public
// API as a user's scenario file, so that it dogfoods it: nothing here reaches past `ctx`.

import { request } from 'node:http';
import { servoFleetOptions, type ServoFleetOptions } from '../../plan/servo-fleet-options.js';
import { appName } from '../../targets/servo-fleet/app-name.js';
import { defineScenario, type Response, type ScenarioDefinition, type UserContext } from '../api.js';
import type { BuiltinScenario } from './types.js';

/** How long a servo without an application, or whose backend did not greet it, waits before trying again. */
const RETRY_MS = 1000;

/** The longest SLEEP obeyed: longer outlasts any run here, and node's timers overflow past 24.8 days (firing at once). */
const MAX_SLEEP_MS = 3_600_000;

type ServoEvent = 'HELLO' | 'WHATS_NEXT' | 'DESCRIPTION' | 'MEASUREMENT' | 'ADJUSTMENT' | 'GOODBYE';

/** One servo's state, kept in ctx.vars from onStart to onStop. */
interface Servo {
  /** Index of its application; undefined when it has none (more servos than applications, or not listed). */
  app: number | undefined;
  path: string;
  /** True between an accepted HELLO and the GOODBYE; false after any rejected event, so the next step greets again. */
  greeted: boolean;
}

/**
 * Hands each servo an application no running servo has. Users start in id order, so under
 * constant-vus user i gets app i-1 and every app is covered once; a servo that stops gives its
 * application back for the next one (ramping-vus and phases start new users as others stop).
 */
class ApplicationPool {
  private next = 0;
  private readonly returned: number[] = [];

  constructor(private readonly count: number) {}

  take(): number | undefined {
    return this.returned.pop() ?? (this.next < this.count ? this.next++ : undefined);
  }

  give(app: number): void {
    this.returned.push(app);
  }
}

/**
 * A rejection's `detail` without what is particular to one application or one report (the app's
 * name, the event's param, progress numbers), so that reasons aggregate: "HELLO is not valid in
 * state in-measure". Reads the emulator's answers in both its dialects (Voracious's and --strict).
 */
export function violationReason(response: Response): string {
  let detail: unknown;
  try {
    detail = response.json<{ detail?: unknown }>().detail;
  } catch {
    return 'HTTP 400 without a JSON detail';
  }
  if (typeof detail !== 'string') return 'HTTP 400 without a detail';
  const unexpected = /^Sequence error for .*?: Unexpected event event='([^']*)' param=/.exec(detail);
  if (unexpected !== null) return `${unexpected[1]} is not valid in state ${detail.slice(detail.lastIndexOf(' in state ') + ' in state '.length)}`;
  return detail
    .replace(/^Sequence error for .*?: /, '')
    .replace(/ for unknown app .*$/, ' for an application never greeted')
    .replace(/\bapp\d+\b:?\s*/g, '')
    .replace(/\d+/g, 'N');
}

/** Progress of report `index` (1-based) of `reports`, spread evenly below 100 and never going back. */
const progressAt = (index: number, reports: number): number => Math.round((100 * index) / (reports + 1));

const DESCRIPTION_PARAM = { descriptor: { application: { components: { web: { settings: { cpu: { value: 1 }, replicas: { value: 3 } } } } } } };
const MEASUREMENT_PARAM = { metrics: { throughput: { unit: 'rpm', values: [{ id: 'main', data: [[0, 1000]] }] } }, annotations: {} };

/** The user type of the fleet: onStart finds its application and says HELLO, each task is one command of WHATS_NEXT, onStop says GOODBYE. */
export function servoFleetScenario(options: ServoFleetOptions): ScenarioDefinition {
  const pool = new ApplicationPool(options.apps);
  const headers: Record<string, string> = options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` };
  const account = `/accounts/${options.account}`;

  const servoOf = (ctx: UserContext): Servo => ctx.vars.servo as Servo;

  async function send(ctx: UserContext, event: ServoEvent, param?: unknown): Promise<Response> {
    const response = await ctx.http.post(servoOf(ctx).path, { json: param === undefined ? { event } : { event, param }, headers, name: event });
    // The backend says why it refused an event with a 400: a protocol violation, counted by its reason.
    if (response.status === 400) ctx.count(`protocol violation: ${violationReason(response)}`);
    return response;
  }

  /** HELLO; refused when the application's last servo left without GOODBYE, so close that session first, as a restarted servo does. */
  async function greet(ctx: UserContext): Promise<boolean> {
    let hello = await send(ctx, 'HELLO', { agent: 'salvo servo-fleet' });
    if (hello.status === 400 && !ctx.stopping) {
      await send(ctx, 'GOODBYE');
      hello = await send(ctx, 'HELLO', { agent: 'salvo servo-fleet' });
    }
    return (servoOf(ctx).greeted = hello.status === 200);
  }

  /** Progress reports at the interval, then the final one; a servo told to stop leaves mid-command (GOODBYE is valid there). */
  async function report(ctx: UserContext, event: 'MEASUREMENT' | 'ADJUSTMENT', final: unknown): Promise<boolean> {
    for (let index = 1; index <= options.progressReports + 1; index++) {
      await ctx.sleep(options.progressIntervalMs);
      if (ctx.stopping) return true;
      const param = index <= options.progressReports ? { progress: progressAt(index, options.progressReports) } : final;
      if ((await send(ctx, event, param)).status !== 200) return false;
    }
    return true;
  }

  /** Asks WHATS_NEXT and carries the command out; false when the backend refused an event or did not answer. */
  async function nextCommand(ctx: UserContext): Promise<boolean> {
    const next = await send(ctx, 'WHATS_NEXT');
    if (next.status !== 200) return false;
    const { cmd, param } = next.json<{ cmd?: unknown; param?: Record<string, unknown> }>();
    switch (cmd) {
      case 'DESCRIBE':
        return (await send(ctx, 'DESCRIPTION', DESCRIPTION_PARAM)).status === 200;
      case 'MEASURE':
        return report(ctx, 'MEASUREMENT', MEASUREMENT_PARAM);
      case 'ADJUST':
        // The servo reports the state it was asked for as the state it reached.
        return report(ctx, 'ADJUSTMENT', { state: param?.state ?? {} });
      case 'SLEEP': {
        const seconds = Number(param?.duration);
        await ctx.sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_SLEEP_MS) : RETRY_MS);
        return true;
      }
      default:
        throw new Error(`WHATS_NEXT answered an unknown command ${JSON.stringify(cmd)}`);
    }
  }

  /**
   * The account's applications, read once for the whole fleet by the first servo to start. A real
   * servo is configured with its one application and never lists the others; the listing is what
   * starts the fleet (one servo per listed application). Read by every servo, it would also be
   * 5,000 copies of a 290 kB body at startup: 1.45 GB that stalled the generator for 15 s (measured).
   */
  let listing: Promise<Set<string>> | undefined;
  async function listApplications(ctx: UserContext): Promise<Set<string>> {
    const response = await ctx.http.get(`${account}/application-overrides`, { headers, name: 'application-overrides' });
    if (response.status !== 200) return new Set();
    try {
      return new Set(Object.keys(response.json<Record<string, unknown>>() ?? {}));
    } catch {
      return new Set();
    }
  }

  return defineScenario({
    userTypes: {
      servo: {
        async onStart(ctx) {
          // Taken before the first await, so servos take applications in the order they start.
          const app = pool.take();
          ctx.vars.servo = { app, path: app === undefined ? '' : `${account}/applications/${appName(app)}/servo`, greeted: false } satisfies Servo;
          if (app === undefined) return;
          listing ??= listApplications(ctx);
          const listed = await listing;
          if (!ctx.check(listed, { 'servo: its application is listed in application-overrides': (names) => names.has(appName(app)) })) {
            servoOf(ctx).app = undefined;
            pool.give(app);
            return;
          }
          await greet(ctx);
        },
        tasks: {
          async command(ctx) {
            const servo = servoOf(ctx);
            if (servo.app === undefined || (!servo.greeted && !(await greet(ctx)))) {
              await ctx.sleep(RETRY_MS);
              return;
            }
            if (!(await nextCommand(ctx))) servo.greeted = false;
          },
        },
        async onStop(ctx) {
          const servo = servoOf(ctx);
          if (servo.app === undefined) return;
          if (servo.greeted) await send(ctx, 'GOODBYE');
          pool.give(servo.app);
        },
      },
    },
  });
}

/** How long the statistics may take after the run. */
const STATS_TIMEOUT_MS = 2000;

/**
 * A salvo emulator's own statistics (`GET /` answering {n, average, min, max}: cycles per
 * application), or undefined when the target answers anything else or not at all.
 */
export function emulatorStatistics(base: URL): Promise<Record<string, number> | undefined> {
  if (base.protocol !== 'http:') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    // agent: false and no keep-alive, so no socket outlives the answer and holds the process open.
    const get = request(new URL('/', base), { method: 'GET', agent: false, timeout: STATS_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? statisticsIn(Buffer.concat(chunks).toString('utf8')) : undefined));
      response.on('error', () => resolve(undefined));
    });
    get.on('timeout', () => get.destroy());
    get.on('error', () => resolve(undefined));
    get.end();
  });
}

function statisticsIn(text: string): Record<string, number> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const entries = Object.entries(body);
  // Voracious answers null for average, min and max while no application has registered.
  const numbers = entries.filter(([, value]) => value !== null);
  return typeof (body as { n?: unknown }).n === 'number' && numbers.every(([, value]) => typeof value === 'number') ? Object.fromEntries(numbers) : undefined;
}

export const servoFleet: BuiltinScenario<ServoFleetOptions> = {
  ...servoFleetOptions,
  description: 'each virtual user is the servo of one application of a servo backend (salvo serve servo-fleet)',
  scenario: servoFleetScenario,
  flags: [
    {
      option: 'apps',
      flag: '--apps <n>',
      description: 'applications, app00000..app(n-1): one servo (virtual user) each, all of them unless --vus says fewer',
      kind: 'count',
    },
    { option: 'account', flag: '--account <name>', description: 'the account in the URLs (default acme)', kind: 'text' },
    { option: 'token', flag: '--token <token>', description: 'sent as Authorization: Bearer <token>', kind: 'text' },
    {
      option: 'progressReports',
      flag: '--progress-reports <n>',
      description: 'progress reports before each final MEASUREMENT and ADJUSTMENT (default 2)',
      kind: 'count',
    },
    { option: 'progressIntervalMs', flag: '--progress-interval <duration>', description: 'wait before each report (default 500ms)', kind: 'duration' },
  ],
  targetStatistics: emulatorStatistics,
};
