import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** For `test(..., { skip })`: false where Chromium is installed, else the reason. */
export const skipWithoutChromium: false | string = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install chromium`;

/** A page in headless Chromium that may load only file: URLs; everything else it asks for is refused and listed. */
export interface OfflinePage {
  page: Page;
  /** URLs the page asked for beyond file:. */
  attempted: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

/** Runs `body` with a fresh offline page (its own profile, removed after); `allowed` lets through other URLs it accepts (a local server's). */
export async function withOfflinePage<T>(body: (view: OfflinePage) => Promise<T>, allowed: (url: string) => boolean = () => false): Promise<T> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'salvo-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const view: OfflinePage = { page: context.pages()[0] ?? (await context.newPage()), attempted: [], consoleErrors: [], pageErrors: [] };
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || allowed(url)) return route.continue();
      view.attempted.push(url);
      return route.abort();
    });
    view.page.on('console', (message) => {
      if (message.type() === 'error') view.consoleErrors.push(message.text());
    });
    view.page.on('pageerror', (error) => view.pageErrors.push(error.message));
    return await body(view);
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
