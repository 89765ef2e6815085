/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, pointed at a
 * code-server window, with helpers to reach the workbench and the webviews inside it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Workbench {
  context: BrowserContext;
  page: Page;
  /** Console lines of the page and of every frame (webviews included), in order. */
  consoleLines: string[];
  close(): Promise<void>;
}

/** Opens `url` in a fresh headless Chromium and waits for the VS Code workbench to render. */
export async function openWorkbench(url: string, options: { viewport?: { width: number; height: number } } = {}): Promise<Workbench> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's "chromium" package (apt-get install chromium)`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-chromium-'));
  // A persistent context is how playwright takes a fresh, throwaway --user-data-dir.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: options.viewport ?? { width: 1400, height: 900 },
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
  // Clipboard access lets VS Code's copy commands work without a permission prompt.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin }).catch(() => undefined);
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (message) => {
    const frameUrl = message.location()?.url ?? '';
    const where = frameUrl.includes('webview') ? 'webview' : 'page';
    consoleLines.push(`[${where} ${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleLines.push(`[page error] ${error.message}`));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return {
    context,
    page,
    consoleLines,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Finds the frame holding a webview's own document. VS Code nests each webview twice:
 * an outer iframe (index.html host) and an inner `#active-frame` with the extension's HTML.
 * `predicate` picks the right one when several webviews are open (e.g. by a selector it has).
 */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const found = await frame.$(selector).catch(() => null);
      if (found) return frame;
    }
    await page.waitForTimeout(250);
  }
  const frames = page.frames().map((f) => f.url()).join('\n  ');
  throw new Error(`no webview frame contains "${selector}" after ${timeoutMs} ms; frames:\n  ${frames}`);
}

/** Runs a command through the Command Palette, as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}
