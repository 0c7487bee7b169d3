import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { starterPlan } from '../../src/cli/commands/init.js';
import { planJsonSchema, PLAN_SCHEMA_ID } from '../../src/plan/json-schema.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GOOD_PLAN = {
  target: { url: 'http://127.0.0.1:8080/', headers: [['Accept', 'text/plain']] },
  executor: {
    type: 'ramping-arrival-rate',
    startRatePerSec: 0,
    stages: [
      { targetRatePerSec: 100, durationMs: '10s' },
      { targetRatePerSec: 0, durationMs: 5000 },
    ],
  },
  connections: 10,
  thresholds: [{ expression: 'p99<250ms' }],
};

describe('the published JSON Schema', () => {
  const schema = planJsonSchema() as Json;

  test('is a draft 2020-12 schema with an $id and a title', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.$id, PLAN_SCHEMA_ID);
    assert.equal(schema.title, 'salvo plan');
    assert.equal(schema.type, 'object');
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(schema)));
  });

  test('describes the input: only target and executor are required, and no unknown fields', () => {
    assert.deepEqual(schema.required, ['target', 'executor']);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.properties.target.required, ['url']);
    assert.equal(schema.properties.target.additionalProperties, false);
  });

  test('lists every executor type, each with its own required fields', () => {
    const executors: Json[] = schema.properties.executor.oneOf.filter((executor: Json) => executor.properties.type !== undefined);
    const required = Object.fromEntries(executors.map((executor) => [executor.properties.type.const, executor.required]));
    assert.deepEqual(required, {
      'constant-arrival-rate': ['type', 'ratePerSec', 'durationMs'],
      'poisson-arrival-rate': ['type', 'ratePerSec', 'durationMs', 'seed'],
      'bucket-rate': ['type', 'ratePerSec', 'durationMs'],
      'ramping-arrival-rate': ['type', 'stages'],
      'max-throughput': ['type', 'durationMs'],
      'constant-throughput': ['type', 'setpointPerSec'],
      'constant-vus': ['type', 'vus', 'durationMs'],
      'ramping-vus': ['type', 'stages'],
      phases: ['type', 'phases'],
      'held-vus': ['type', 'setpointPerSec'],
    });
    for (const executor of executors) assert.equal(executor.additionalProperties, false, executor.properties.type.const);
  });

  test('an arrival executor may name its schedule instead of its type (arrival: uniform)', () => {
    const shorthands: Json[] = schema.properties.executor.oneOf.filter((executor: Json) => executor.properties.arrival !== undefined);
    assert.deepEqual(
      shorthands.map((executor) => [executor.properties.arrival.enum, executor.required]),
      [
        [
          ['constant', 'uniform'],
          ['arrival', 'ratePerSec', 'durationMs'],
        ],
        [['poisson'], ['arrival', 'ratePerSec', 'durationMs', 'seed']],
        [['bucket'], ['arrival', 'ratePerSec', 'durationMs']],
      ],
    );
  });

  test('a *Ms field takes a number of ms or a duration string', () => {
    const durationMs: Json = schema.properties.timeoutMs;
    assert.deepEqual(
      durationMs.anyOf.map((option: Json) => option.type),
      ['number', 'string'],
    );
    const pattern = new RegExp(durationMs.anyOf[1].pattern);
    for (const text of ['500ms', '30s', '1.5m', '2h']) assert.match(text, pattern);
    for (const text of ['30', 'soon', '3 sec']) assert.doesNotMatch(text, pattern);
  });

  test('a good plan validates against it, and a typo does not (with ajv, when installed)', async (t) => {
    let Ajv2020: (new (options: object) => { compile: (schema: object) => ((data: unknown) => boolean) & { errors?: unknown } }) | undefined;
    try {
      // ajv is not a dependency of salvo: it comes with the dev tools when they are installed.
      Ajv2020 = ((await import('ajv/dist/2020.js' as string)) as { default: typeof Ajv2020 }).default;
    } catch {
      t.skip('ajv is not installed');
      return;
    }
    const validate = new Ajv2020!({ strict: false }).compile(schema);
    assert.equal(validate(GOOD_PLAN), true, JSON.stringify(validate.errors));
    assert.equal(validate(parseYaml(starterPlan())), true, `the starter plan: ${JSON.stringify(validate.errors)}`);
    assert.equal(validate({ ...GOOD_PLAN, run: { out: 'r.json', quiet: true, progressMs: '10s' } }), true, JSON.stringify(validate.errors));
    const usersPlan = {
      target: { url: 'http://127.0.0.1:8080/' },
      executor: { type: 'phases', phases: [{ durationMs: '1m', users: 10, spawnRate: 2, userTypes: [{ name: 'Browser', weight: 1 }] }] },
      userTypes: [
        {
          name: 'Browser',
          minWaitMs: '1s',
          maxWaitMs: '2s',
          tasks: [{ name: 'set', iterations: 2, tasks: [{ name: 'home', request: { url: '/' }, checks: { status: 200 } }] }],
        },
      ],
      scenarios: { api: { executor: { type: 'constant-arrival-rate', ratePerSec: 5, durationMs: '1m' } } },
    };
    assert.equal(validate(usersPlan), true, `a closed-model plan: ${JSON.stringify(validate.errors)}`);
    const typoInNestedTask = structuredClone(usersPlan);
    (typoInNestedTask.userTypes[0]!.tasks[0]!.tasks[0] as Record<string, unknown>).weigth = 2;
    assert.equal(validate(typoInNestedTask), false, 'a typo inside a nested task set');
    assert.equal(validate({ ...GOOD_PLAN, conections: 5 }), false);
    assert.equal(validate({ ...GOOD_PLAN, executor: { type: 'constant-arrival-rate', ratePerSec: 10 } }), false);
    assert.equal(validate({ ...GOOD_PLAN, executor: { arrival: 'uniform', ratePerSec: 10, durationMs: '1m' } }), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...GOOD_PLAN, executor: { arrival: 'uniform', type: 'constant-arrival-rate', ratePerSec: 10, durationMs: '1m' } }), false);
  });
});
