/**
 * Long threads in the real chat webview (Chromium): near the top it asks the
 * host for older history once, and an older page added above keeps what the
 * reader looks at in place.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ChatEntry } from '../../webview/protocol';
import { REPO_ROOT } from '../helpers/protocolSchema';
import { ensureWebviewBundle, session } from './harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const entries = (from: number, to: number): ChatEntry[] =>
  Array.from({ length: to - from }, (_, k): ChatEntry => {
    const i = from + k;
    return i % 2 ? { kind: 'agent', id: `e${i}`, streaming: false, text: `Answer ${i}\n\nwith a second paragraph` } : { kind: 'user', id: `e${i}`, text: `Question ${i}` };
  });

describe('chat webview: older history on scroll-up (Chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    ensureWebviewBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-webview-paging-'));
    const dist = path.join(REPO_ROOT, 'dist');
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(path.join(dist, 'webview.css'))}"></head>` +
        `<body><div id="app"></div><script src="${pathToFileURL(path.join(dist, 'webview.js'))}"></script></body></html>`,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 420, height: 800 } });
    await page.addInitScript({ content: 'window.posted = []; window.acquireVsCodeApi = () => ({ postMessage(m) { window.posted.push(m); }, getState() {}, setState() {} });' });
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await page.waitForFunction('window.codexChat !== undefined');
  });
  afterEach(async () => page?.close());

  const post = (message: unknown) => page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }))`);
  const frames = () => page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve))))');
  const loadOlderRequests = () => page.evaluate(`window.posted.filter((m) => m.type === 'loadOlder').length`) as Promise<number>;
  const scrollTo = async (top: number) => {
    await page.evaluate(`document.querySelector('.transcript').scrollTop = ${top}`);
    await frames();
  };
  /** The first row whose top is inside the viewport, and where it is. */
  const firstVisible = () =>
    page.evaluate(`(() => {
      const v = document.querySelector('.transcript').getBoundingClientRect();
      const row = Array.from(document.querySelectorAll('.entry')).find((e) => e.getBoundingClientRect().top >= v.top);
      return { id: row.dataset.id, top: Math.round(row.getBoundingClientRect().top) };
    })()`) as Promise<{ id: string; top: number }>;

  it('asks once near the top, and the prepended page leaves the reader where they were', async () => {
    await post({ type: 'snapshot', entries: entries(150, 300), session: session({ olderHistory: 'available' }) });
    await frames();
    assert.equal(await loadOlderRequests(), 0, 'at the newest entries nothing more is needed');

    await scrollTo(300);
    await scrollTo(100);
    assert.equal(await loadOlderRequests(), 1, 'near the top: one request');
    await scrollTo(0);
    assert.equal(await loadOlderRequests(), 1, 'no second request while the page is on its way');

    const before = await firstVisible();
    await post({ type: 'prepend', entries: entries(0, 150) });
    await post({ type: 'session', session: session() });
    await frames();
    const after = await firstVisible();
    assert.equal(after.id, before.id, 'the same row is at the top of the view');
    assert.ok(Math.abs(after.top - before.top) < 5, `and at the same place (${before.top} → ${after.top})`);

    for (let i = 0; i < 50 && !(await page.evaluate(`!!document.querySelector('[data-id="e0"]')`)); i++) await scrollTo(0);
    assert.ok(await page.evaluate(`!!document.querySelector('[data-id="e0"]')`), 'scrolling up reaches the oldest entry');
    assert.equal(await loadOlderRequests(), 1, 'nothing older is asked for once all is loaded');
  });
});
