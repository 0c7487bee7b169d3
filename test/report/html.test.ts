import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { writeHtmlReport } from '../../src/report/html/index.js';
import type { RunResult } from '../../src/result/types.js';
import { startRun } from '../../src/runner/index.js';
import { startTargetProcess } from '../../src/targets/target-process.js';
import { skipWithoutChromium, withOfflinePage } from '../support/chromium.js';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/** A real run with something to show: a stalled target gives timeouts, queueing and a corrected tail. */
async function realResult(): Promise<RunResult> {
  const target = await startTargetProcess();
  try {
    const plan = validatePlan({
      target: { url: `${target.url}/delay/1` },
      executor: { type: 'constant-arrival-rate', ratePerSec: 200, durationMs: 2000 },
      connections: 4,
      timeoutMs: 150,
      gracefulStopMs: 2000,
    });
    const handle = await startRun(plan);
    await new Promise((resolve) => setTimeout(resolve, 800));
    target.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 300));
    target.child.kill('SIGCONT');
    return await handle.result;
  } finally {
    await target.stop();
  }
}

test('the HTML report renders every chart in headless Chromium, offline and without errors', { skip: skipWithoutChromium }, async () => {
  const result = await realResult();
  await mkdir(ARTIFACTS, { recursive: true });
  const htmlPath = join(ARTIFACTS, 'report.html');
  // `thresholds` is optional in the result; one that failed shows the section and its verdict.
  const withThresholds: RunResult = {
    ...result,
    thresholds: [
      { expression: 'p99 < 100ms', passed: false, actual: result.summary.latencyMs.corrected.p99, unit: 'ms' },
      { expression: 'rate > 150', passed: true, actual: result.summary.rate.achieved, unit: 'req/s' },
    ],
  };
  await writeHtmlReport(withThresholds, htmlPath);

  await withOfflinePage(async ({ page, attempted, consoleErrors, pageErrors }) => {
    await page.goto(pathToFileURL(htmlPath).href);
    const chartIds = await page.locator('[data-chart]').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-chart')));
    assert.deepEqual(chartIds, ['throughput', 'errors', 'latency-over-time', 'latency-distribution', 'schedule-lag']);
    await page.locator(`body[data-charts-rendered="${chartIds.length}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    for (const id of chartIds) {
      const points = Number(await page.locator(`#chart-${id}`).getAttribute('data-points'));
      assert.ok(points > 0, `chart ${id} drew ${points} points`);
      assert.equal(await page.locator(`#chart-${id} canvas`).count(), 1, `chart ${id} has its canvas`);
    }
    assert.equal(await page.locator('#thresholds tbody tr').count(), 2);
    assert.match((await page.locator('[data-card="sent"] .value').textContent()) ?? '', /^[\d,]+$/);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });

    assert.deepEqual(attempted, [], 'the report requested nothing from the network');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});

/** A closed-model run: two user types in turn, so the users chart has a line for each and their total. */
async function virtualUserResult(): Promise<RunResult> {
  const target = await startTargetProcess();
  try {
    const request = { url: '/' };
    const plan = validatePlan({
      target: { url: target.url },
      executor: {
        type: 'phases',
        phases: [
          { durationMs: 2000, users: 2, spawnRate: 100, userTypes: [{ name: 'Reader', weight: 1 }] },
          { durationMs: 2000, users: 3, spawnRate: 100, userTypes: [{ name: 'Writer', weight: 1 }] },
        ],
      },
      userTypes: [
        { name: 'Reader', minWaitMs: 20, maxWaitMs: 20, tasks: [{ name: 'read', request }] },
        { name: 'Writer', minWaitMs: 20, maxWaitMs: 20, tasks: [{ name: 'write', request }] },
      ],
    });
    return await (await startRun(plan)).result;
  } finally {
    await target.stop();
  }
}

test('a closed-model run charts its active users by user type, as Locust does', { skip: skipWithoutChromium }, async () => {
  const result = await virtualUserResult();
  // Each second notes the users running as it closed: the first phase's readers, then the second's writers.
  assert.deepEqual(result.series[0]!.users, { Reader: 2, Writer: 0 });
  assert.deepEqual(result.series[2]!.users, { Reader: 0, Writer: 3 });
  await mkdir(ARTIFACTS, { recursive: true });
  const htmlPath = join(ARTIFACTS, 'report-users.html');
  await writeHtmlReport(result, htmlPath);

  await withOfflinePage(async ({ page, pageErrors, consoleErrors }) => {
    await page.goto(pathToFileURL(htmlPath).href);
    const chartIds = await page.locator('[data-chart]').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-chart')));
    assert.deepEqual(chartIds, ['throughput', 'active-users', 'errors', 'latency-over-time', 'latency-distribution', 'schedule-lag']);
    await page.locator(`body[data-charts-rendered="${chartIds.length}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    // Reader, Writer and all users, a point each per second.
    assert.equal(Number(await page.locator('#chart-active-users').getAttribute('data-points')), 3 * result.series.length);
    const legend = await page.locator('#chart-active-users .u-legend .u-label').allTextContents();
    assert.deepEqual(legend.slice(1), ['Reader', 'Writer', 'all users']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-users.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});
