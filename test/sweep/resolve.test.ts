import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolveSweep, SweepError, type ResolvedSweep } from '../../src/sweep/resolve.js';
import { scratchDir } from '../support/scratch.js';

const WORKER_PLAN = {
  target: { url: 'grpc://127.0.0.1:50051', proto: 'proto/worker.proto', call: 'salvo.worker.Worker/Spin', data: '{"ms": {{grid.spinMs}}}' },
  executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: '10s' },
};

const STUDY = {
  plan: WORKER_PLAN,
  grid: { rate: [20, 40, 60], arrival: ['uniform', 'poisson'], spinMs: [2, 5, 10] },
  repeats: 2,
  durationMs: '4s',
  cooldownMs: 100,
};

/** The problems a sweep is refused with. */
function problemsOf(input: unknown): string[] {
  try {
    resolveSweep(input);
  } catch (error) {
    assert.ok(error instanceof SweepError, String(error));
    return error.problems;
  }
  assert.fail('the sweep was accepted');
}

describe('resolveSweep', () => {
  const resolved: ResolvedSweep = resolveSweep({ ...STUDY, seed: 7 });

  test('every combination is a cell, first key outermost, each run once per repeat', () => {
    assert.equal(resolved.cells.length, 18);
    assert.deepEqual(resolved.cells[0]!.params, { rate: 20, arrival: 'uniform', spinMs: 2 });
    assert.deepEqual(resolved.cells[1]!.params, { rate: 20, arrival: 'uniform', spinMs: 5 });
    assert.equal(resolved.cells[0]!.id, 'rate-20_arrival-uniform_spinMs-2');
    assert.equal(resolved.runs.length, 36);
    assert.equal(new Set(resolved.runs.map((run) => run.file)).size, 36);
    // 36 runs of 4 s and 35 pauses of 100 ms.
    assert.equal(resolved.totalMs, 36 * 4000 + 35 * 100);
  });

  test('shuffled order comes from the seed: the same seed gives the same order, another seed another', () => {
    const again = resolveSweep({ ...STUDY, seed: 7 });
    assert.deepEqual(
      again.runs.map((run) => run.file),
      resolved.runs.map((run) => run.file),
    );
    const other = resolveSweep({ ...STUDY, seed: 8 });
    assert.notDeepEqual(
      other.runs.map((run) => run.file),
      resolved.runs.map((run) => run.file),
    );
    const fixed = resolveSweep({ ...STUDY, order: 'fixed' });
    assert.deepEqual(
      fixed.runs.slice(0, 3).map((run) => run.file),
      ['rate-20_arrival-uniform_spinMs-2.r1.json', 'rate-20_arrival-uniform_spinMs-2.r2.json', 'rate-20_arrival-uniform_spinMs-5.r1.json'],
    );
  });

  test('a seed is drawn and recorded when the sweep has none, or taken from a study begun before', () => {
    const drawn = resolveSweep(STUDY);
    assert.ok(Number.isInteger(drawn.seed));
    assert.equal(resolveSweep(STUDY, { seed: 99 }).seed, 99);
    assert.equal(resolveSweep({ ...STUDY, seed: 5 }, { seed: 99 }).seed, 5, 'the sweep file’s own seed wins');
  });

  test('each cell’s plan: the shortcuts, placeholders, duration and a Poisson seed of its own per run', () => {
    const runsOf = (id: string) => resolved.runs.filter((run) => run.cell.id === id).sort((a, b) => a.repeat - b.repeat);
    const [uniform] = runsOf('rate-40_arrival-uniform_spinMs-5');
    assert.deepEqual(uniform!.plan.executor, { type: 'constant-arrival-rate', ratePerSec: 40, durationMs: 4000 });
    assert.equal(uniform!.plan.target.data, '{"ms": 5}');
    const [first, second] = runsOf('rate-60_arrival-poisson_spinMs-10');
    assert.equal(first!.plan.executor.type, 'poisson-arrival-rate');
    assert.equal((first!.plan.executor as { ratePerSec: number }).ratePerSec, 60);
    const seedOf = (run: { plan: { executor: unknown } } | undefined): number => (run!.plan.executor as { seed: number }).seed;
    assert.notEqual(seedOf(first), seedOf(second), 'repeats draw different schedules');
    assert.equal(
      seedOf(first),
      seedOf(resolveSweep({ ...STUDY, seed: 7, order: 'fixed' }).runs.find((run) => run.file === first!.file)),
      'and the same one in any order',
    );
  });

  test('dotted paths, top-level fields and ranges', () => {
    const swept = resolveSweep({
      plan: WORKER_PLAN,
      grid: { 'executor.ratePerSec': { from: 10, to: 30, step: 10 }, connections: [1, 4], 'target.deadlineMs': [500], spinMs: [0.1, 0.3] },
      order: 'fixed',
    });
    assert.deepEqual(
      swept.keys.map((key) => [key.key, key.kind.kind, key.values]),
      [
        ['executor.ratePerSec', 'path', [10, 20, 30]],
        ['connections', 'path', [1, 4]],
        ['target.deadlineMs', 'path', [500]],
        ['spinMs', 'placeholder', [0.1, 0.3]],
      ],
    );
    const last = swept.runs.at(-1)!.plan;
    assert.equal(last.connections, 4);
    assert.equal(last.target.deadlineMs, 500);
    assert.equal((last.executor as { ratePerSec: number }).ratePerSec, 30);
    assert.deepEqual(resolveSweep({ plan: WORKER_PLAN, grid: { spinMs: { from: 0.1, to: 0.3, step: 0.1 } } }).keys[0]!.values, [0.1, 0.2, 0.3]);
  });

  test('the plan may come from a file, relative to the sweep file’s directory', () => {
    const dir = scratchDir('salvo-sweep-');
    writeFileSync(join(dir, 'worker.yaml'), JSON.stringify(WORKER_PLAN));
    const fromFile = resolveSweep({ ...STUDY, plan: 'worker.yaml' }, { baseDir: dir, file: join(dir, 'study.yaml') });
    assert.equal(fromFile.name, 'study');
    assert.equal(fromFile.runs.length, 36);
    assert.deepEqual(problemsOf({ ...STUDY, plan: 'missing.yaml' }), [`plan: cannot read ${join(process.cwd(), 'missing.yaml')}: ENOENT`]);
  });
});

describe('bad sweeps: every problem with its path', () => {
  test('fields of the sweep file itself', () => {
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { rate: [] }, repeats: 0, order: 'random', extra: 1 }), [
      'grid.rate: needs at least one value',
      'repeats: Too small: expected number to be >=1',
      'order: Invalid option: expected one of "shuffled"|"fixed"',
      'extra: unknown field',
    ]);
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { rate: { from: 50, to: 10, step: 5 } } }), ['grid.rate: to must not be below from']);
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { rate: 20 } }), ['grid.rate: must be a list of values or {from, to, step}']);
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: {} }), ['grid: needs at least one key']);
    assert.deepEqual(problemsOf({ grid: { rate: [1] } }), ['plan: must be a plan file name or a plan']);
  });

  test('grid keys: a path the plan schema lacks, a name no string uses, a placeholder the grid lacks, an unknown arrival', () => {
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { 'executor.rate': [1], spinMs: [1] } }), [
      'grid.executor.rate: the plan has no field executor.rate',
    ]);
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { spinMS: [1], spinMs: [1] } }), [
      'grid.spinMS: not a plan field, a shortcut (rate, arrival) or a placeholder: no string of the plan uses {{grid.spinMS}}',
    ]);
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { rate: [1] } }), ['plan.target.data: uses {{grid.spinMs}}, and the grid has no key spinMs']);
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { arrival: ['uniform', 'burst'], spinMs: [1] } }), [
      'grid.arrival: "burst" is not an arrival schedule (constant, uniform, poisson, bucket)',
    ]);
  });

  test('each cell’s plan is validated before anything runs; a problem every cell shares is said once', () => {
    assert.deepEqual(problemsOf({ plan: WORKER_PLAN, grid: { connections: [4, 0], rate: [-1, 5], spinMs: [1] }, order: 'fixed' }), [
      'cell connections=4 rate=-1 spinMs=1: plan.executor.ratePerSec: Too small: expected number to be >0',
      'cell connections=0 rate=-1 spinMs=1: plan.connections: Too small: expected number to be >=1',
    ]);
    assert.deepEqual(problemsOf({ plan: { ...WORKER_PLAN, timeoutMs: 'soon' }, grid: { spinMs: [1, 2] }, order: 'fixed' }), [
      'cell spinMs=1: plan.timeoutMs: must be a number of milliseconds or a duration such as "500ms", "30s" or "2m"',
    ]);
  });

  test('a warm-up as long as the cell, and plots naming keys the grid lacks', () => {
    assert.deepEqual(problemsOf({ ...STUDY, warmupMs: '4s', order: 'fixed' }), [
      'cell rate=20 arrival=uniform spinMs=2: plan.warmupMs: the warm-up (4000 ms) must be shorter than the run (4000 ms), or nothing would be measured',
    ]);
    assert.deepEqual(problemsOf({ ...STUDY, plots: { slowdownBy: 'spin', heatmap: ['rate', 'x'] } }), [
      'plots.slowdownBy: "spin" is not a grid key (rate, arrival, spinMs)',
      'plots.heatmap[1]: "x" is not a grid key (rate, arrival, spinMs)',
    ]);
  });
});
