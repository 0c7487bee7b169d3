import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { CliError } from '../exit-codes.js';

export const STARTER_PLAN_FILE = 'salvo.plan.yaml';

/** The starter plan, commented field by field; a copy is examples/salvo.plan.yaml, and a test keeps the two equal. */
export const STARTER_PLAN = `# salvo plan: run it with \`salvo run salvo.plan.yaml\` (start a target first: \`salvo serve http --port 8080\`).
# Flags given on the command line replace these values: \`salvo run salvo.plan.yaml --rate 2k --duration 30s\`.
# Editors can check and complete this file from the JSON Schema: \`salvo schema > salvo.schema.json\`.
# Durations (every field ending in Ms) are milliseconds, or strings with a unit: "500ms", "30s", "2m".
version: 1

# What to load: an http://, https:// or tcp:// URL.
target:
  url: http://127.0.0.1:8080/
  method: GET
  # Headers as [name, value] pairs.
  headers:
    - [Accept, text/plain]
  # body: '{"hello": "world"}'       # or bodyFile: ./body.json

# How load arrives. An open model: requests are due on schedule whatever the target does, and
# latency is measured from when each request should have been sent.
executor:
  # constant-arrival-rate, poisson-arrival-rate (needs a seed), bucket-rate (needs bucketMs),
  # ramping-arrival-rate (below), or max-throughput (closed loop, as fast as the target answers).
  type: ramping-arrival-rate
  startRatePerSec: 0
  # Each stage moves the rate linearly from the previous target to its own over its duration;
  # the run lasts as long as the stages together (15 s here, 2,000 requests).
  stages:
    - { targetRatePerSec: 200, durationMs: 5s }    # ramp up
    - { targetRatePerSec: 200, durationMs: 5s }    # hold
    - { targetRatePerSec: 0, durationMs: 5s }      # ramp down
  # A constant rate instead:
  #   type: constant-arrival-rate
  #   ratePerSec: 100
  #   durationMs: 10s

# Most connections open at once (opened as needed).
connections: 50
# A request without an answer after this long counts as a timeout.
timeoutMs: 10s
# After the last request is due, how long answers may still arrive before the run ends.
gracefulStopMs: 10s
# Requests due while every connection is busy wait here, keeping their intended time; beyond it they are dropped.
maxQueue: 100000

# Pass/fail criteria: any failure makes \`salvo run\` exit 99.
thresholds:
  - expression: p99<250ms
  - expression: errors<1%
    # Also judge each second, and end the run at the first failing one.
    abortOnFail: false
`;

export const STARTER_SCENARIO_FILE = 'scenario.ts';

/** The starter scenario: virtual users in TypeScript; a copy is examples/scenario.ts, and a test keeps the two equal. */
export const STARTER_SCENARIO = `// salvo scenario: virtual users (the closed model), Locust-style, in TypeScript.
// Start a target first: \`salvo serve http\` (it listens on http://127.0.0.1:8080/), then
//   salvo run scenario.ts                      # the plan below: 10 users for 30 s
//   salvo run scenario.ts --vus 50 --duration 1m --target http://127.0.0.1:9000/
// Each user runs its type's tasks in a loop: picks one by weight, runs it, waits its think time, again.
// The summary ends with a table per task, per user type and per phase, then the checks.
import { defineScenario } from 'salvo';

export default defineScenario({
  userTypes: {
    // Browsers look around: 3 of every 4 users (weights are ratios).
    Browser: {
      weight: 3,
      // Think time after each task, uniform between the two (milliseconds).
      minWaitMs: 500,
      maxWaitMs: 1500,
      tasks: {
        // A task is a function of ctx, or { weight, run } to be picked more often.
        home: {
          weight: 4,
          run: async (ctx) => {
            const response = await ctx.http.get('/');
            // Each named check is counted as passed or failed, under its name.
            ctx.check(response, { 'home: status 200': (r) => r.status === 200, 'home: says hello': (r) => r.text().startsWith('hello') });
          },
        },
        // Requests are counted under the task's name; \`name\` groups URLs that differ (Locust's name=).
        item: (ctx) => ctx.http.get(\`/bytes/\${ctx.random.int(100, 2000)}\`, { name: 'item' }),
        // A task set: when picked, it runs \`iterations\` picks of its own tasks, each followed by the think time.
        catalog: {
          weight: 2,
          iterations: 3,
          tasks: {
            page: { weight: 3, run: (ctx) => ctx.http.get(\`/delay/\${ctx.random.int(5, 20)}\`, { name: 'catalog page' }) },
            search: (ctx) => ctx.http.get(\`/echo?q=\${ctx.random.string(6)}\`, { name: 'search' }),
          },
        },
      },
    },
    // Buyers log in once, then order: 1 of every 4 users.
    Buyer: {
      weight: 1,
      minWaitMs: 1000,
      maxWaitMs: 2000,
      // Runs once when the user starts; ctx.vars keeps per-user state for its tasks.
      onStart: async (ctx) => {
        const response = await ctx.http.post('/echo', { json: { user: \`buyer-\${ctx.user.id}\` }, name: 'login' });
        ctx.vars.session = \`session-\${ctx.user.id}-\${ctx.random.string(8)}\`;
        ctx.check(response, { 'login: status 200': (r) => r.status === 200 });
      },
      tasks: {
        order: {
          weight: 3,
          run: async (ctx) => {
            const response = await ctx.http.post('/echo', { headers: { 'X-Session': String(ctx.vars.session) }, json: { item: ctx.random.int(1, 100) } });
            ctx.check(response, {
              'order: status 200': (r) => r.status === 200,
              'order: sent the session': (r) => r.json<{ headers: Record<string, string> }>().headers['x-session'] === ctx.vars.session,
            });
          },
        },
        cart: (ctx) => ctx.http.get('/'),
      },
    },
  },
  // The plan \`salvo run scenario.ts\` runs when it is given no plan file; flags override it.
  plan: {
    target: { url: 'http://127.0.0.1:8080/' },
    executor: { type: 'constant-vus', vus: 10, durationMs: '30s' },
    thresholds: [{ expression: 'errors<1%' }],
  },
});
`;

export function initCommand(): Command {
  return new Command('init')
    .description(`write a commented starter plan (${STARTER_PLAN_FILE}, arrivals at a rate) and a starter scenario (${STARTER_SCENARIO_FILE}, virtual users), which run as-is against salvo serve http`)
    .option('--dir <dir>', 'where to write them', '.')
    .action((flags: { dir: string }) => {
      const files = [
        { path: join(flags.dir, STARTER_PLAN_FILE), text: STARTER_PLAN },
        { path: join(flags.dir, STARTER_SCENARIO_FILE), text: STARTER_SCENARIO },
      ];
      // Checked before writing either, so that init writes both or nothing.
      const existing = files.find(({ path }) => existsSync(path));
      if (existing) throw new CliError(`${existing.path} already exists: remove it or choose another --dir`);
      for (const { path, text } of files) {
        try {
          // "wx": a file someone has edited is never overwritten.
          writeFileSync(path, text, { flag: 'wx' });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new CliError(code === 'EEXIST' ? `${path} already exists: remove it or choose another --dir` : `cannot write ${path}: ${code ?? (error as Error).message}`);
        }
        process.stdout.write(`wrote ${path}\n`);
      }
      const [plan, scenario] = files.map(({ path }) => path);
      process.stdout.write(`start a target with: salvo serve http\nthen run: salvo run ${plan}     (requests arriving at a rate)\n      or: salvo run ${scenario}  (virtual users)\n`);
    });
}
