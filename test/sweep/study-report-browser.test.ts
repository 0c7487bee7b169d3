import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { skipWithoutChromium, withOfflinePage } from '../support/chromium.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { startHttpTarget } from '../../src/targets/http-server.js';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

test('the study report shows every plot and the rows in headless Chromium, offline and without errors', { skip: skipWithoutChromium }, async () => {
  // A small real study: /spin/:ms answers with Server-Timing, so the slowdown plot has data when the run records it.
  const target = await startHttpTarget();
  const dir = await mkdtemp(join(tmpdir(), 'salvo-study-'));
  try {
    const { rows } = await runSweep(
      {
        name: 'browser',
        plan: {
          target: { url: `${target.url}/spin/{{grid.spinMs}}` },
          executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: 300 },
          connections: 2,
        },
        grid: { rate: [20, 40], arrival: ['uniform', 'poisson'], spinMs: [1, 2] },
        order: 'fixed',
      },
      { outDir: dir },
    );
    assert.equal(rows.length, 8);
  } finally {
    await target.close();
  }
  const html = await readFile(join(dir, 'report.html'), 'utf8');
  assert.deepEqual(html.match(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//gi), null, 'nothing is loaded from elsewhere');
  await mkdir(ARTIFACTS, { recursive: true });

  try {
    await withOfflinePage(async ({ page, attempted, consoleErrors, pageErrors }) => {
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);

      const plots = await page.locator('[data-plot]').evaluateAll((figures) => figures.map((figure) => figure.getAttribute('data-plot')));
      assert.ok(
        ['latency', 'success-rate', 'heatmap'].every((id) => plots.includes(id)),
        plots.join(', '),
      );
      for (const id of plots) {
        const figure = page.locator(`[data-plot="${id}"] svg`);
        const box = await figure.boundingBox();
        assert.ok(box && box.width > 200 && box.height > 100, `${id} is drawn at ${JSON.stringify(box)}`);
        const marks = await page.locator(`[data-plot="${id}"] svg path, [data-plot="${id}"] svg text`).count();
        assert.ok(marks > 10, `${id} has ${marks} marks`);
      }
      assert.equal(await page.locator('#rows tbody tr').count(), 8);
      await page.screenshot({ path: join(ARTIFACTS, 'study-report.png'), fullPage: true });
      assert.deepEqual(attempted, [], 'the report requested nothing from the network');
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(consoleErrors, []);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
