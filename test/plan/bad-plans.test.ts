import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { problemsOf } from '../support/plan.js';

const DURATION = 'must be a number of milliseconds or a duration such as "500ms", "30s" or "2m"';
const base = { target: { url: 'http://127.0.0.1:8080/' }, executor: { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 1000 } };
const ramp = (fields: Record<string, unknown>) => ({
  ...base,
  executor: { type: 'ramping-arrival-rate', startRatePerSec: 0, stages: [{ targetRatePerSec: 100, durationMs: 1000 }], ...fields },
});

/** Each kind of mistake a plan file can hold, with exactly the problems it reports. */
const BAD_PLANS: { name: string; plan: unknown; problems: string[] }[] = [
  { name: 'a misspelled top-level field', plan: { ...base, conections: 10 }, problems: ['conections: unknown field'] },
  { name: 'a misspelled target field', plan: { ...base, target: { url: 'http://127.0.0.1:8080/', metod: 'GET' } }, problems: ['target.metod: unknown field'] },
  { name: 'a field of another executor', plan: { ...base, executor: { ...base.executor, rate: 5 } }, problems: ['executor.rate: unknown field'] },
  {
    name: 'an unknown stage field',
    plan: ramp({ stages: [{ targetRatePerSec: 100, durationMs: 1000, ramp: 'linear' }] }),
    problems: ['executor.stages[0].ramp: unknown field'],
  },
  { name: 'no target', plan: { executor: base.executor }, problems: ['target: Invalid input: expected object, received undefined'] },
  { name: 'no executor', plan: { target: base.target }, problems: ['executor: Invalid input: expected object, received undefined'] },
  {
    name: 'an executor type salvo does not have',
    plan: { ...base, executor: { type: 'per-vu-iterations', durationMs: 1000 } },
    problems: [
      "executor.type: Invalid discriminator value. Expected 'constant-arrival-rate' | 'poisson-arrival-rate' | 'bucket-rate' | 'ramping-arrival-rate' | 'max-throughput' | 'constant-throughput' | 'constant-vus' | 'ramping-vus' | 'phases' | 'held-vus'",
    ],
  },
  {
    name: 'an arrival salvo does not have',
    plan: { ...base, executor: { arrival: 'bursty', ratePerSec: 10, durationMs: 1000 } },
    problems: ['executor.arrival: unknown arrival "bursty" (known: constant, uniform, poisson, bucket)'],
  },
  {
    name: 'both an arrival and a type',
    plan: { ...base, executor: { ...base.executor, arrival: 'uniform' } },
    problems: ['executor.arrival: give type or arrival, not both'],
  },
  {
    name: 'an arrival shorthand with a field of another executor',
    plan: { ...base, executor: { arrival: 'uniform', ratePerSec: 10, durationMs: 1000, seed: 3 } },
    problems: ['executor.seed: unknown field'],
  },
  { name: 'a warm-up in words', plan: { ...base, warmupMs: 'a while' }, problems: [`warmupMs: ${DURATION}`] },
  { name: 'a negative warm-up', plan: { ...base, warmupMs: -1 }, problems: ['warmupMs: Too small: expected number to be >=0'] },
  {
    name: 'a warm-up as long as the run',
    plan: { ...base, warmupMs: '1s' },
    problems: ['warmupMs: the warm-up (1000 ms) must be shorter than the run (1000 ms), or nothing would be measured'],
  },
  {
    name: 'a zero rate',
    plan: { ...base, executor: { ...base.executor, ratePerSec: 0 } },
    problems: ['executor.ratePerSec: Too small: expected number to be >0'],
  },
  {
    name: 'a rate no machine could send',
    plan: { ...base, executor: { ...base.executor, ratePerSec: 1e12 } },
    problems: ['executor.ratePerSec: must be at most 1000M (a billion) requests per second: no machine sends more'],
  },
  {
    name: 'a ramp to a rate no machine could send',
    plan: ramp({ stages: [{ targetRatePerSec: 2e9, durationMs: 1000 }] }),
    problems: ['executor.stages[0].targetRatePerSec: must be at most 1000M (a billion) requests per second: no machine sends more'],
  },
  {
    name: 'a rate written as text',
    plan: { ...base, executor: { ...base.executor, ratePerSec: '2k' } },
    problems: ['executor.ratePerSec: Invalid input: expected number, received string'],
  },
  {
    name: 'a duration string without a unit',
    plan: { ...base, executor: { ...base.executor, durationMs: '30' } },
    problems: [`executor.durationMs: ${DURATION}`],
  },
  {
    name: 'a duration with an unknown unit',
    plan: { ...base, executor: { ...base.executor, durationMs: '30 sec' } },
    problems: [`executor.durationMs: ${DURATION}`],
  },
  {
    name: 'a duration that is not whole ms',
    plan: { ...base, executor: { ...base.executor, durationMs: '1.5ms' } },
    problems: ['executor.durationMs: Invalid input: expected int, received number'],
  },
  {
    name: 'a negative duration',
    plan: { ...base, executor: { ...base.executor, durationMs: -5 } },
    problems: ['executor.durationMs: Too small: expected number to be >0'],
  },
  {
    name: 'poisson without a seed',
    plan: { ...base, executor: { type: 'poisson-arrival-rate', ratePerSec: 10, durationMs: 1000 } },
    problems: ['executor.seed: Invalid input: expected number, received undefined'],
  },
  { name: 'a ramp without stages', plan: ramp({ stages: [] }), problems: ['executor.stages: needs at least one stage'] },
  {
    name: 'a ramp to a negative rate',
    plan: ramp({
      stages: [
        { targetRatePerSec: 100, durationMs: 1000 },
        { targetRatePerSec: -1, durationMs: 1000 },
      ],
    }),
    problems: ['executor.stages[1].targetRatePerSec: Too small: expected number to be >=0'],
  },
  {
    name: 'a stage without a duration',
    plan: ramp({ stages: [{ targetRatePerSec: 100, durationMs: 1000 }, { targetRatePerSec: 50 }] }),
    problems: [`executor.stages[1].durationMs: ${DURATION}`],
  },
  {
    name: 'a ramp that never sends',
    plan: ramp({ stages: [{ targetRatePerSec: 0, durationMs: 1000 }] }),
    problems: ['executor.stages: every rate is 0, so the ramp would send nothing'],
  },
  { name: 'a negative start rate', plan: ramp({ startRatePerSec: -3 }), problems: ['executor.startRatePerSec: Too small: expected number to be >=0'] },
  { name: 'a ramp given its own duration (the stages set it)', plan: ramp({ durationMs: 1000 }), problems: ['executor.durationMs: unknown field'] },
  {
    name: 'a per-second "target" threshold on a ramp',
    plan: { ...ramp({}), thresholds: [{ expression: 'rate>=0.9*target', abortOnFail: true }] },
    problems: [
      'thresholds[0].abortOnFail: threshold "rate>=0.9*target": a ramp\'s target rate changes every second, so "target" is judged on the whole run only',
    ],
  },
  { name: 'zero worker threads', plan: { ...base, run: { workers: 0 } }, problems: ['run.workers: Too small: expected number to be >=1'] },
  {
    name: 'workers that are neither a count nor auto',
    plan: { ...base, run: { workers: 'all' } },
    problems: ['run.workers: must be a whole number from 1 to 256, or "auto"'],
  },
  {
    name: 'a threshold that does not parse',
    plan: { ...base, thresholds: [{ expression: 'p99 < fast' }] },
    problems: ['thresholds[0].expression: threshold "p99 < fast": expected a number after "<"'],
  },
  {
    name: 'a threshold as a bare string',
    plan: { ...base, thresholds: ['p99<250ms'] },
    problems: ['thresholds[0]: Invalid input: expected object, received string'],
  },
  { name: 'no connections', plan: { ...base, connections: 0 }, problems: ['connections: Too small: expected number to be >=1'] },
  { name: 'a timeout in words', plan: { ...base, timeoutMs: 'forever' }, problems: [`timeoutMs: ${DURATION}`] },
  { name: 'a negative grace period', plan: { ...base, gracefulStopMs: -1 }, problems: ['gracefulStopMs: Too small: expected number to be >=0'] },
  { name: 'a fractional queue bound', plan: { ...base, maxQueue: 1.5 }, problems: ['maxQueue: Invalid input: expected int, received number'] },
  {
    name: 'headers as a map',
    plan: { ...base, target: { url: 'http://127.0.0.1:8080/', headers: { Accept: 'text/plain' } } },
    problems: ['target.headers: Invalid input: expected array, received object'],
  },
  { name: 'a version salvo does not know', plan: { ...base, version: 2 }, problems: ['version: Invalid input: expected 1'] },
  { name: 'a shard index above the count', plan: { ...base, shard: { index: 3, count: 2 } }, problems: ['shard: the shard index must be from 1 to count'] },
  { name: 'a list instead of a plan', plan: [1, 2], problems: ['Invalid input: expected object, received array'] },
  {
    name: 'a bucket length in words',
    plan: { ...base, executor: { type: 'bucket-rate', ratePerSec: 10, durationMs: 1000, bucketMs: 'soon' } },
    problems: [`executor.bucketMs: ${DURATION}`],
  },
  {
    name: 'a bucket longer than the run',
    plan: { ...base, executor: { type: 'bucket-rate', ratePerSec: 50, durationMs: 300, bucketMs: '1h' } },
    problems: ['executor.bucketMs: a bucket of 3600000 ms is longer than the run (300 ms): make it at most as long'],
  },
  {
    name: 'no pipelining',
    plan: { ...base, executor: { type: 'max-throughput', durationMs: 1000, pipelining: 0 } },
    problems: ['executor.pipelining: Too small: expected number to be >=1'],
  },
  { name: 'a misspelled run option', plan: { ...base, run: { outt: 'r.json' } }, problems: ['run.outt: unknown field'] },
  {
    name: 'a compiler mode salvo does not have',
    plan: { ...base, run: { jit: 'fast' } },
    problems: ['run.jit: Invalid option: expected one of "auto"|"steady"|"peak"'],
  },
  { name: 'an ndjson sample above 1', plan: { ...base, run: { ndjsonSample: 2 } }, problems: ['run.ndjsonSample: Too big: expected number to be <=1'] },
  {
    name: 'several mistakes at once, all reported',
    plan: {
      target: { url: 'http://127.0.0.1:8080/', metod: 'GET' },
      executor: {
        type: 'ramping-arrival-rate',
        stages: [
          { targetRatePerSec: 10, durationMs: '1m' },
          { targetRatePerSec: -1, durationMs: '3 sec' },
        ],
      },
      connections: 0,
    },
    problems: [
      'target.metod: unknown field',
      'executor.stages[1].targetRatePerSec: Too small: expected number to be >=0',
      `executor.stages[1].durationMs: ${DURATION}`,
      'connections: Too small: expected number to be >=1',
    ],
  },
];

describe('bad plans: every mistake reported with its path', () => {
  test('the table holds at least 20 kinds of mistake', () => assert.ok(BAD_PLANS.length >= 20));
  for (const { name, plan, problems } of BAD_PLANS) {
    test(name, () => assert.deepEqual(problemsOf(plan), problems));
  }
});
