import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { stringify } from 'yaml';
import type { RunResult } from '../../src/result/types.js';
import { startTargetProcess } from '../../src/targets/target-process.js';
import { skipWithoutChromium, withOfflinePage, type OfflinePage } from '../support/chromium.js';
import { processStartMs } from '../support/cli.js';
import { startSalvo } from '../support/salvo-process.js';

const SCREENSHOT = fileURLToPath(new URL('../../../docs/images/dashboard.png', import.meta.url));
const TOKEN = 'dashboard-test-token';
const START_RATE = 200;
const NEW_RATE = 400;
/** Only a safety net against a hung run: the test stops it long before, from the page. */
const RUN_DURATION = '120s';
/** Generous: Chromium and two node processes share a busy machine. */
const WAIT_MS = 60_000;

const secondsDrawn = (page: Page, chart: string): Promise<number> =>
  page.locator(`#chart-${chart}`).evaluate((element) => Number((element as unknown as { dataset: { points: string } }).dataset.points));

/** Waits until the page has drawn at least `count` seconds. */
async function untilSecondsDrawn(page: Page, count: number): Promise<void> {
  // Runs in the page (the project compiles without the DOM library, hence the cast).
  const drawn = (wanted: number): boolean => {
    const { document } = globalThis as unknown as { document: { querySelector(selector: string): { getAttribute(name: string): string } } };
    return Number(document.querySelector('#chart-rate').getAttribute('data-points')) >= wanted;
  };
  await page.waitForFunction(drawn, count, { timeout: WAIT_MS, polling: 100 });
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

test('the dashboard in Chromium: live charts, a rate change that reaches the run, a watch-only page without the token, stop', {
  skip: skipWithoutChromium,
}, async () => {
  const target = await startTargetProcess();
  const dir = await mkdtemp(join(tmpdir(), 'salvo-dashboard-'));
  try {
    // Chromium first, and a start far enough ahead for salvo to load and the page to connect before time
    // zero (sized from how slowly processes start right now), so the first second is seen live.
    await withOfflinePage(
      async (view) => {
        const startAtMs = Date.now() + 3000 + 6 * processStartMs();
        await dashboardRun(view, dir, startAtMs);
      },
      (url) => url.startsWith('http://127.0.0.1:'),
    );
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }

  async function dashboardRun({ page, attempted, pageErrors }: OfflinePage, dir: string, startAtMs: number): Promise<void> {
    const outPath = join(dir, 'result.json');
    const run = startSalvo(
      'run',
      `${target.url}/`,
      '-r',
      String(START_RATE),
      '-d',
      RUN_DURATION,
      '-c',
      '20',
      '--threshold',
      'p99<500ms',
      '--threshold',
      'errors<1%',
      '--dashboard',
      '127.0.0.1:0',
      '--dashboard-token',
      TOKEN,
      '--out',
      outPath,
      '--html',
      join(dir, 'report.html'),
      '--start-at',
      new Date(startAtMs).toISOString(),
    );
    try {
      const [, address] = await run.line(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)\n/m);
      await page.goto(`${address}#token=${TOKEN}`);
      await page.locator('body[data-state="live"]').waitFor({ state: 'attached', timeout: WAIT_MS });
      const connectedAtMs = Number(await page.locator('body').getAttribute('data-connected-at-ms'));
      await untilSecondsDrawn(page, 1);
      const firstLiveAtMs = Number(await page.locator('body').getAttribute('data-first-live-frame-at-ms'));
      const firstLiveSecond = Number(await page.locator('body').getAttribute('data-first-live-frame-second'));
      for (const chart of ['rate', 'latency', 'errors', 'concurrency', 'generator']) {
        assert.ok((await secondsDrawn(page, chart)) >= 1, `chart ${chart} drew`);
        assert.equal(await page.locator(`#chart-${chart} canvas`).count(), 1, `chart ${chart} has its canvas`);
      }
      assert.equal(await page.locator('#chart-control').isHidden(), true, 'no controller chart without --hold');
      assert.equal(await page.locator('#controls').getAttribute('data-steer'), 'yes');
      assert.equal(await page.locator('#input-rate').inputValue(), String(START_RATE));
      await page.locator('#thresholds [data-threshold="p99<500ms"]').waitFor({ timeout: WAIT_MS });

      // A page opened without the token watches the same run but cannot steer it, not even by hand.
      const watcher = await page.context().newPage();
      await watcher.goto(address!);
      await watcher.locator('body[data-state="live"]').waitFor({ timeout: WAIT_MS });
      assert.equal(await watcher.locator('#controls').getAttribute('data-steer'), 'no');
      assert.equal(await watcher.locator('#stop').isDisabled(), true);
      const refused = await watcher.evaluate(async () => {
        const response = await fetch('/control', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: 'stop' }) });
        return { status: response.status, body: await response.json() };
      });
      assert.deepEqual(refused, { status: 403, body: { error: 'this dashboard needs its token to steer the run' } });
      await watcher.close();

      // A bad value is answered on the page and changes nothing.
      await page.locator('#input-rate').fill('-5');
      await page.locator('#form-rate button').click();
      await page.locator('#control-status.bad').waitFor({ timeout: WAIT_MS });
      assert.match((await page.locator('#control-status').textContent())!, /rate must be above 0/);

      // Enough whole seconds on each side of the change that a late send moving across a boundary stays below 1%.
      await untilSecondsDrawn(page, 6);
      await page.locator('#input-rate').fill(String(NEW_RATE));
      await page.locator('#form-rate button').click();
      await page.locator('#control-status:not(.bad)', { hasText: `rate set to ${NEW_RATE}` }).waitFor({ timeout: WAIT_MS });
      await page.locator('body[data-events="1"]').waitFor({ state: 'attached', timeout: WAIT_MS });
      const secondsAtChange = await secondsDrawn(page, 'rate');
      // Eight whole seconds at the new rate, then stop.
      await untilSecondsDrawn(page, secondsAtChange + 9);
      await page.locator('#stop').click();
      await page.locator('body[data-state="ended"]').waitFor({ state: 'attached', timeout: WAIT_MS });
      assert.match((await page.locator('#state').textContent())!, /ended early \(dashboard\)/);
      const summary = (await page.locator('#summary').textContent())!;
      assert.match(summary, /changes made\s*2/);
      assert.match((await page.locator('#chart-latency').textContent())!, /uncorrected p99/, 'the uncorrected percentiles have their lines');
      assert.match((await page.locator('#report-link').getAttribute('href'))!, /^file:\/\/.*report\.html$/);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.deepEqual(attempted, [], 'the page loads nothing from elsewhere');
      assert.deepEqual(pageErrors, []);

      assert.equal(await run.exited, 0, run.output().stderr);
      const result = JSON.parse(await readFile(outPath, 'utf8')) as RunResult;
      const startedMs = Date.parse(result.startedAt);
      // A second is drawn within 1 s of its end: so the first one within 2 s of the start. The page
      // normally connects before the start and sees second 1 live; on a machine too slow for that, the
      // first second it saw live is held to the same bound.
      const lateMs = firstLiveAtMs - (startedMs + firstLiveSecond * 1000);
      assert.ok(
        lateMs <= 1000,
        `second ${firstLiveSecond} was drawn ${lateMs} ms after it closed (the page connected ${startedMs - connectedAtMs} ms before the start)`,
      );
      if (connectedAtMs < startedMs) assert.equal(firstLiveSecond, 1);
      // The final summary is the result's: its requests and both kinds of latency, as the page writes numbers.
      const shown = (value: number): string => (Math.abs(value) >= 1000 ? `${Math.round(value / 100) / 10}k` : String(Math.round(value * 100) / 100));
      const { corrected, uncorrected } = result.summary.latencyMs;
      for (const [name, latency] of [
        ['corrected', corrected],
        ['uncorrected', uncorrected],
      ] as const) {
        const values = [latency.p50, latency.p90, latency.p99, latency.max].map(shown).join(' / ');
        assert.ok(summary.includes(`${name} p50 / p90 / p99 / max${values} ms`), `${name} ${values} in the summary: ${summary}`);
      }
      assert.ok(summary.includes(`sent / completed / failed / dropped${shown(result.summary.requests.sent)} / `), summary);
      assert.equal(result.interrupted, true);
      assert.equal(result.interruptReason, 'dashboard');
      const [change, stop] = result.events!;
      assert.deepEqual({ ...change, tMs: 0 }, { tMs: 0, what: 'rate', from: START_RATE, to: NEW_RATE });
      assert.deepEqual({ ...stop, tMs: 0 }, { tMs: 0, what: 'stop', from: null, to: null });
      // Whole seconds only: the one the change fell in is part old rate, part new, and so is the one the stop cut.
      const changeSecond = Math.floor(change!.tMs / 1000);
      const stopSecond = Math.floor(stop!.tMs / 1000);
      const sentIn = (from: number, to: number): number[] => result.series.filter((s) => s.second >= from && s.second < to).map((s) => s.sent);
      const before = sentIn(0, changeSecond);
      const after = sentIn(changeSecond + 1, stopSecond);
      assert.ok(before.length >= 4 && after.length >= 7, `seconds before ${before.length}, after ${after.length}`);
      assert.ok(Math.abs(mean(before) / START_RATE - 1) <= 0.01, `sent per second before the change: ${before}`);
      assert.ok(Math.abs(mean(after) / NEW_RATE - 1) <= 0.01, `sent per second from the change on: ${after}`);
    } finally {
      await run.kill();
    }
  }
});

test('a study on one page in Chromium: the page follows the study from run to run, and its button stops the study', {
  skip: skipWithoutChromium,
}, async () => {
  const target = await startTargetProcess();
  const dir = await mkdtemp(join(tmpdir(), 'salvo-dashboard-study-'));
  const file = join(dir, 'study.yaml');
  await writeFile(
    file,
    stringify({
      plan: { target: { url: `${target.url}/` }, executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: '1s' }, connections: 4 },
      grid: { rate: [20, 40] },
      order: 'fixed',
      // Long enough for a page on a busy machine to follow it into the second run: the page stops the study there.
      durationMs: '6s',
      cooldownMs: '100ms',
    }),
  );
  const study = startSalvo('sweep', file, '--out-dir', join(dir, 'out'), '--dashboard', '127.0.0.1:0');
  try {
    await withOfflinePage(
      async ({ page, pageErrors }) => {
        const [, address] = await study.line(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)\n/m);
        await page.goto(address!);
        await page.locator('#study', { hasText: /^study: run 2\/2 · cell 2\/2 rate=40 · repeat 1\/1/ }).waitFor({ timeout: WAIT_MS });
        await untilSecondsDrawn(page, 1);
        assert.equal(await page.locator('#form-rate').isHidden(), true, "a cell's rate is the grid's, not the page's");
        await page.locator('#stop').click();
        assert.equal(await study.exited, 0, study.output().stderr);
        assert.match(study.output().stdout, /stopped from the dashboard: 1 of 2 runs done/);
        assert.deepEqual(pageErrors, []);
      },
      (url) => url.startsWith('http://127.0.0.1:'),
    );
  } finally {
    await study.kill();
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
