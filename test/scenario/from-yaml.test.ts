import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import type { Response, UserContext } from '../../src/scenario/api.js';
import { userTypeFromSpec } from '../../src/scenario/from-yaml.js';
import { seededRandom } from '../../src/schedule/random.js';

interface Sent {
  method: string;
  url: string;
  options: unknown;
}

/** A user context that records requests and answers each with `status`; `row` fails for a set with no row for this user. */
function fakeContext(sent: Sent[], checks: [string, boolean][], status = 200): UserContext {
  const rows: Record<string, Record<string, unknown>[]> = { accounts: [], regions: [{ code: 'eu' }] };
  const respond = (): Response => ({
    status,
    headers: {},
    body: Buffer.from('{"ok":true}'),
    durationMs: 1,
    text: () => '{"ok":true}',
    json: <T>() => ({ ok: true }) as T,
  });
  const request = async (method: string, url: string, options?: unknown) => {
    sent.push({ method, url, options });
    return respond();
  };
  return {
    user: { id: 4, type: 'Browser' },
    http: {
      request,
      get: (u, o) => request('GET', u, o),
      head: (u, o) => request('HEAD', u, o),
      delete: (u, o) => request('DELETE', u, o),
      post: (u, o) => request('POST', u, o),
      put: (u, o) => request('PUT', u, o),
      patch: (u, o) => request('PATCH', u, o),
    },
    check: (value, named) => {
      let all = true;
      for (const [name, predicate] of Object.entries(named)) {
        const passed = predicate(value);
        checks.push([name, passed]);
        all &&= passed;
      }
      return all;
    },
    sleep: async () => {},
    count: () => {},
    vars: { token: 't-4' },
    data: rows,
    row: (set) => {
      const row = rows[set]?.[0];
      if (!row) throw new Error(`data set "${set}" has no row for user 4`);
      return row;
    },
    random: { float: seededRandom(1), int: () => 1, pick: (items) => items[0]!, string: () => 'x', uuid: () => 'u' },
    stopping: false,
  };
}

function compiled(tasks: unknown[]) {
  const plan = validatePlan({
    target: { url: 'http://127.0.0.1:1/' },
    executor: { type: 'constant-vus', vus: 1, durationMs: 1000 },
    userTypes: [{ name: 'Browser', tasks }],
  });
  return userTypeFromSpec(plan.userTypes![0]!);
}

describe('YAML tasks compiled to steps', () => {
  test('a request task renders its templates per request, sends its JSON, and runs its checks', async () => {
    const type = compiled([
      {
        name: 'order',
        request: {
          method: 'POST',
          url: '/orders/{{user.id}}/{{seq}}?region={{data.regions.code}}',
          headers: [['Authorization', 'Bearer {{vars.token}}']],
          json: { item: '{{seq}}' },
        },
        checks: { status: [200, 201], bodyContains: '"ok"', maxDurationMs: 50 },
      },
    ]);
    const sent: Sent[] = [];
    const checks: [string, boolean][] = [];
    const ctx = fakeContext(sent, checks);
    await type.tasks[0]!.run!(ctx);
    await type.tasks[0]!.run!(ctx);
    assert.deepEqual(
      sent.map((request) => [request.method, request.url]),
      [
        ['POST', '/orders/4/1?region=eu'],
        ['POST', '/orders/4/2?region=eu'],
      ],
    );
    assert.deepEqual(sent[1]!.options, { headers: { Authorization: 'Bearer t-4' }, json: { item: '2' }, name: 'order' });
    assert.deepEqual(checks.slice(0, 3), [
      ['order: status 200 or 201', true],
      ['order: body contains "\\"ok\\""', true],
      ['order: within 50 ms', true],
    ]);
  });

  test('a user without a row of some data set still sends the requests that do not use it', async () => {
    const type = compiled([
      { name: 'home', request: { url: '/{{seq}}' } },
      { name: 'mine', request: { url: '/accounts/{{data.accounts.name}}' } },
    ]);
    const sent: Sent[] = [];
    const ctx = fakeContext(sent, []);
    await type.tasks[0]!.run!(ctx);
    assert.deepEqual(
      sent.map((request) => request.url),
      ['/1'],
    );
    await assert.rejects(async () => type.tasks[1]!.run!(ctx), /data set "accounts" has no row for user 4/);
  });

  test('onStart runs its tasks in order, a task set inside it too', async () => {
    const plan = validatePlan({
      target: { url: 'http://127.0.0.1:1/' },
      executor: { type: 'constant-vus', vus: 1, durationMs: 1000 },
      userTypes: [
        {
          name: 'Browser',
          onStart: [
            { name: 'login', request: { url: '/login' } },
            {
              name: 'warm',
              tasks: [
                { name: 'a', request: { url: '/a' } },
                { name: 'b', request: { url: '/b' } },
              ],
            },
          ],
          tasks: [{ name: 'home', request: { url: '/' } }],
        },
      ],
    });
    const sent: Sent[] = [];
    await userTypeFromSpec(plan.userTypes![0]!).onStart!(fakeContext(sent, []));
    assert.deepEqual(
      sent.map((request) => request.url),
      ['/login', '/a', '/b'],
    );
  });
});
