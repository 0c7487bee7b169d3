import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { runSweep, sweep, type SweepProgress } from '../../src/index.js';
import { startHttpTarget } from '../../src/targets/http-server.js';
import type { RunningTarget } from '../../src/targets/http-server.js';
import { scratchDir } from '../support/scratch.js';

describe('sweep() as a library call', () => {
  let target: RunningTarget;
  before(async () => {
    target = await startHttpTarget();
  });
  after(() => target.close());

  const study = () => ({
    plan: {
      target: { url: `${target.url}/spin/{{grid.spinMs}}` },
      executor: { type: 'constant-arrival-rate', ratePerSec: 20, durationMs: 300 },
      connections: 2,
    },
    grid: { spinMs: [1, 2], arrival: ['uniform', 'poisson'] },
    order: 'fixed' as const,
  });

  test('returns a row per cell in grid order and writes nothing', async () => {
    const dir = scratchDir('salvo-sweep-lib-');
    const cwd = process.cwd();
    process.chdir(dir);
    const events: string[] = [];
    try {
      const rows = await sweep(study(), { onProgress: (progress: SweepProgress) => events.push(`${progress.event} ${progress.position}/${progress.total}`) });
      assert.deepEqual(
        rows.map((row) => row.params),
        [
          { spinMs: 1, arrival: 'uniform' },
          { spinMs: 1, arrival: 'poisson' },
          { spinMs: 2, arrival: 'uniform' },
          { spinMs: 2, arrival: 'poisson' },
        ],
      );
      for (const row of rows) {
        assert.ok(row.completed > 0 && row.latencyP50Ms > 0);
        assert.ok(row.slowdownP50! >= 1 && row.serviceMeanMs! >= 1, 'the target’s Server-Timing gives each answer its service time');
      }
      assert.deepEqual(events, ['started 1/4', 'finished 1/4', 'started 2/4', 'finished 2/4', 'started 3/4', 'finished 3/4', 'started 4/4', 'finished 4/4']);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    } finally {
      process.chdir(cwd);
    }
  });

  test('an abort ends the study after the run in progress, keeping the finished runs only', async () => {
    const controller = new AbortController();
    const outcome = await runSweep(study(), {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.event === 'started' && progress.position === 2) controller.abort();
      },
    });
    assert.equal(outcome.interrupted, true);
    assert.equal(outcome.ran, 1);
    assert.deepEqual(
      outcome.rows.map((row) => row.params),
      [{ spinMs: 1, arrival: 'uniform' }],
    );
  });
});
