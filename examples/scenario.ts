// salvo scenario: virtual users (the closed model), Locust-style, in TypeScript.
// Start a target first: `salvo serve http` (it listens on http://127.0.0.1:8080/), then
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
        // Requests are counted under the task's name; `name` groups URLs that differ (Locust's name=).
        item: (ctx) => ctx.http.get(`/bytes/${ctx.random.int(100, 2000)}`, { name: 'item' }),
        // A task set: when picked, it runs `iterations` picks of its own tasks, each followed by the think time.
        catalog: {
          weight: 2,
          iterations: 3,
          tasks: {
            page: { weight: 3, run: (ctx) => ctx.http.get(`/delay/${ctx.random.int(5, 20)}`, { name: 'catalog page' }) },
            search: (ctx) => ctx.http.get(`/echo?q=${ctx.random.string(6)}`, { name: 'search' }),
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
        const response = await ctx.http.post('/echo', { json: { user: `buyer-${ctx.user.id}` }, name: 'login' });
        ctx.vars.session = `session-${ctx.user.id}-${ctx.random.string(8)}`;
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
  // The plan `salvo run scenario.ts` runs when it is given no plan file; flags override it.
  plan: {
    target: { url: 'http://127.0.0.1:8080/' },
    executor: { type: 'constant-vus', vus: 10, durationMs: '30s' },
    thresholds: [{ expression: 'errors<1%' }],
  },
});
