import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validatePlan } from '../../src/plan/index.js';
import { JitGovernor, jitFor } from '../../src/runner/jit.js';

const TARGET = { url: 'http://127.0.0.1:8080/' };
const constant = (ratePerSec: number) => ({ type: 'constant-arrival-rate', ratePerSec, durationMs: 1000 });
const plan = (fields: Record<string, unknown>) => validatePlan({ target: TARGET, ...fields });

describe('jitFor', () => {
  const cases: [string, Record<string, unknown>, 'steady' | 'peak'][] = [
    // However high: whether steady keeps up is measured while the run goes (JitGovernor), not guessed from the rate.
    ['a constant rate', { executor: constant(5000) }, 'steady'],
    ['a rate far above what one core sends', { executor: constant(10_000_000) }, 'steady'],
    ['poisson arrivals', { executor: { type: 'poisson-arrival-rate', ratePerSec: 2000, durationMs: 1000, seed: 1 } }, 'steady'],
    ['bucket arrivals', { executor: { type: 'bucket-rate', ratePerSec: 2000, durationMs: 1000 } }, 'steady'],
    ['a ramp', { executor: { type: 'ramping-arrival-rate', stages: [{ targetRatePerSec: 40_000, durationMs: 1000 }] } }, 'steady'],
    ['max throughput', { executor: { type: 'max-throughput', durationMs: 1000 } }, 'peak'],
    [
      'virtual users',
      { executor: { type: 'constant-vus', vus: 2, durationMs: 1000 }, userTypes: [{ name: 'u', tasks: [{ name: 't', request: { url: '/' } }] }] },
      'peak',
    ],
    ['scenarios that all pace their requests', { executor: constant(15_000), scenarios: { other: { executor: constant(10_000) } } }, 'steady'],
    [
      'a scenario at max throughput beside a rate',
      { executor: constant(100), scenarios: { flat: { executor: { type: 'max-throughput', durationMs: 1000 } } } },
      'peak',
    ],
  ];
  for (const [name, fields, expected] of cases) {
    test(`auto starts ${name} as ${expected}`, () => assert.equal(jitFor(plan(fields)), expected));
  }

  test('an explicit mode is kept whatever the plan', () => {
    assert.equal(jitFor(plan({ executor: constant(100) }), 'peak'), 'peak');
    assert.equal(jitFor(plan({ executor: { type: 'max-throughput', durationMs: 1000 } }), 'steady'), 'steady');
  });
});

describe('JitGovernor', () => {
  const behind = { behindMs: 300 };
  test('auto switches TurboFan on the first time the run stays behind, whatever holds it back, and records when', () => {
    for (const limit of ['generator', 'connections', undefined] as const) {
      const governor = new JitGovernor(plan({ executor: constant(100) }), 'auto');
      governor.onPressure(behind, 100); // behind, but not yet for long enough to last
      assert.deepEqual(governor.health(), {});
      governor.onPressure({ ...behind, lasting: true, ...(limit ? { limit } : {}) }, 350.4);
      governor.onPressure({ ...behind, lasting: true, limit: 'generator' }, 900);
      assert.deepEqual(governor.health(), { turbofanFromMs: 350 }, String(limit));
    }
  });

  test('steady stays steady, and peak or a load that starts as peak has TurboFan from time zero', () => {
    const steady = new JitGovernor(plan({ executor: constant(100) }), 'steady');
    steady.onPressure({ ...behind, lasting: true, limit: 'generator' }, 500);
    assert.deepEqual(steady.health(), {});
    assert.deepEqual(new JitGovernor(plan({ executor: constant(100) }), 'peak').health(), { turbofanFromMs: 0 });
    assert.deepEqual(new JitGovernor(plan({ executor: { type: 'max-throughput', durationMs: 1000 } })).health(), { turbofanFromMs: 0 });
  });
});

describe('the compilers a process gets', () => {
  // V8's %GetOptimizationStatus bit for code made by TurboFan (kTurboFanned, stable since V8 10).
  const TURBOFANNED = 1 << 6;
  const JIT_MODULE = fileURLToPath(new URL('../../src/runner/jit.js', import.meta.url));
  const PLAN_MODULE = fileURLToPath(new URL('../../src/plan/index.js', import.meta.url));
  // A child process, since the flags are the whole process's: a hot function runs, then its tier is
  // read; with 'switch' it runs as steady, the governor is told the generator fell behind, and it runs on.
  const PROBE = `
    const { pathToFileURL } = require('node:url');
    Promise.all([import(pathToFileURL(process.argv[1]).href), import(pathToFileURL(process.argv[2]).href)]).then(async ([{ JitGovernor }, { validatePlan }]) => {
      const mode = process.argv[3];
      const plan = validatePlan({ target: { url: 'http://127.0.0.1:8080/' }, executor: { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: 1000 } });
      const governor = new JitGovernor(plan, mode === 'switch' ? 'auto' : mode);
      function hot(x) { return (x * 31 + 7) % 1013; }
      let sum = 0;
      const runHot = async () => {
        for (let round = 0; round < 50; round++) {
          for (let i = 0; i < 100000; i++) sum += hot(i);
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await runHot();
      const before = %GetOptimizationStatus(hot);
      if (mode === 'switch') governor.onPressure({ behindMs: 300, lasting: true, limit: 'generator' }, 1000);
      await runHot();
      console.log(before, %GetOptimizationStatus(hot), sum);
    });`;
  const statusUnder = (mode: string): { before: number; after: number } => {
    const child = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', PROBE, JIT_MODULE, PLAN_MODULE, mode], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(child.status, 0, child.stderr);
    const [before, after] = child.stdout.split(' ').map(Number);
    return { before: before!, after: after! };
  };

  test('peak lets TurboFan compile a hot function', () => assert.notEqual(statusUnder('peak').after & TURBOFANNED, 0));
  test('steady keeps TurboFan from compiling it', () => assert.equal(statusUnder('steady').after & TURBOFANNED, 0));
  test('switched on while the process runs, TurboFan compiles a function that was already hot without it', () => {
    const { before, after } = statusUnder('switch');
    assert.equal(before & TURBOFANNED, 0);
    assert.notEqual(after & TURBOFANNED, 0);
  });
});
