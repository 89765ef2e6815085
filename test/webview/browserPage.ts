/**
 * The built chat webview (`dist/webview.js` + `webview.css`) in headless
 * Chromium, for tests of real layout, focus and accessibility. Registers the
 * mocha hooks; `rig.page` is a fresh page per test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/protocolSchema';
import { ensureWebviewBundle } from './harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserRig {
  page: Page;
  /** Delivers a host message to the webview. */
  post(message: unknown): Promise<void>;
  /** Messages the webview posted to the host, in order. */
  posted(): Promise<any[]>;
  /** Waits for layout to settle (three animation frames). */
  frames(): Promise<void>;
}

export function useChatPage(viewport = { width: 420, height: 800 }, extraHead = ''): BrowserRig {
  let browser: Browser;
  let dir: string;
  const rig = {
    post: (message: unknown) => rig.page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }))`) as Promise<void>,
    posted: () => rig.page.evaluate('window.__posted') as Promise<any[]>,
    frames: () => rig.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve))))') as Promise<void>,
  } as BrowserRig;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    ensureWebviewBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-webview-page-'));
    const dist = path.join(REPO_ROOT, 'dist');
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Codex chat</title><link rel="stylesheet" href="${pathToFileURL(path.join(dist, 'webview.css'))}">${extraHead}</head>` +
        `<body><div id="app"></div><script src="${pathToFileURL(path.join(dist, 'webview.js'))}"></script></body></html>`,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    rig.page = await browser.newPage({ viewport });
    await rig.page.addInitScript({
      content: 'window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); }, getState() {}, setState() {} });',
    });
    await rig.page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await rig.page.waitForFunction('window.codexChat !== undefined');
  });
  afterEach(async () => rig.page?.close());
  return rig;
}
