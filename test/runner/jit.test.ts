import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validatePlan } from '../../src/plan/index.js';
import { jitFor, STEADY_MAX_RATE_PER_THREAD } from '../../src/runner/jit.js';

const TARGET = { url: 'http://127.0.0.1:8080/' };
const constant = (ratePerSec: number) => ({ type: 'constant-arrival-rate', ratePerSec, durationMs: 1000 });
const plan = (fields: Record<string, unknown>) => validatePlan({ target: TARGET, ...fields });

describe('jitFor', () => {
  const cases: [string, Record<string, unknown>, 'steady' | 'peak'][] = [
    ['a rate well below the bound', { executor: constant(5000) }, 'steady'],
    ['a rate at the bound', { executor: constant(STEADY_MAX_RATE_PER_THREAD) }, 'steady'],
    ['a rate above the bound', { executor: constant(STEADY_MAX_RATE_PER_THREAD + 1) }, 'peak'],
    ['poisson arrivals', { executor: { type: 'poisson-arrival-rate', ratePerSec: 2000, durationMs: 1000, seed: 1 } }, 'steady'],
    ['bucket arrivals', { executor: { type: 'bucket-rate', ratePerSec: 2000, durationMs: 1000 } }, 'steady'],
    // A ramp whose mean is low still needs the capacity of its highest stage.
    ['a ramp whose last stage is above the bound', { executor: { type: 'ramping-arrival-rate', stages: [{ targetRatePerSec: 40_000, durationMs: 1000 }, { targetRatePerSec: 0, durationMs: 9000 }] } }, 'peak'],
    ['a ramp that stays below the bound', { executor: { type: 'ramping-arrival-rate', startRatePerSec: 100, stages: [{ targetRatePerSec: 20_000, durationMs: 1000 }] } }, 'steady'],
    ['max throughput', { executor: { type: 'max-throughput', durationMs: 1000 } }, 'peak'],
    ['virtual users', { executor: { type: 'constant-vus', vus: 2, durationMs: 1000 }, userTypes: [{ name: 'u', tasks: [{ name: 't', request: { url: '/' } }] }] }, 'peak'],
    ['a shard of a rate above the bound, its share below', { executor: constant(50_000), shard: { index: 1, count: 2 } }, 'steady'],
    ['scenarios whose rates add up to the bound', { executor: constant(15_000), scenarios: { other: { executor: constant(10_000) } } }, 'steady'],
    ['scenarios whose rates add up to more', { executor: constant(15_000), scenarios: { other: { executor: constant(10_001) } } }, 'peak'],
    ['a scenario at max throughput beside a rate', { executor: constant(100), scenarios: { flat: { executor: { type: 'max-throughput', durationMs: 1000 } } } }, 'peak'],
  ];
  for (const [name, fields, expected] of cases) {
    test(`auto: ${name} → ${expected}`, () => assert.equal(jitFor(plan(fields)), expected));
  }

  test('an explicit mode is kept whatever the plan', () => {
    assert.equal(jitFor(plan({ executor: constant(100) }), 'peak'), 'peak');
    assert.equal(jitFor(plan({ executor: { type: 'max-throughput', durationMs: 1000 } }), 'steady'), 'steady');
  });
});

describe('useJit', () => {
  // V8's %GetOptimizationStatus bit for code made by TurboFan (kTurboFanned, stable since V8 10).
  const TURBOFANNED = 1 << 6;
  const JIT_MODULE = fileURLToPath(new URL('../../src/runner/jit.js', import.meta.url));
  // A child process, since the flags are the whole process's: a hot function, then its tier.
  const PROBE = `
    import(require('node:url').pathToFileURL(process.argv[1]).href).then(async ({ useJit }) => {
      useJit(process.argv[2]);
      function hot(x) { return (x * 31 + 7) % 1013; }
      let sum = 0;
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < 100000; i++) sum += hot(i);
        await new Promise((resolve) => setImmediate(resolve));
      }
      console.log(%GetOptimizationStatus(hot), sum);
    });`;
  const statusUnder = (mode: string): number => {
    const child = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', PROBE, JIT_MODULE, mode], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(child.status, 0, child.stderr);
    return Number(child.stdout.split(' ')[0]);
  };

  test('peak lets TurboFan compile a hot function', () => assert.notEqual(statusUnder('peak') & TURBOFANNED, 0));
  test('steady keeps TurboFan from compiling it', () => assert.equal(statusUnder('steady') & TURBOFANNED, 0));
});
