/**
 * Images in the composer, in headless Chromium with the built webview: a
 * pasted screenshot and dropped image files become removable thumbnail chips
 * and are sent with the prompt; an image over 2048 px is scaled to fit (and
 * the composer says so), one over 20 MB is refused with the limit stated,
 * non-images are refused; `!command` goes to the host as a shell command.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/protocolSchema';
import { makePng, pngSize } from '../helpers/pngImage';
import { ensureWebviewBundle, session } from './harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('composer images in Chromium (paste, drop, attach limits)', function () {
  this.timeout(60000);
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    ensureWebviewBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-webview-images-'));
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
    await page.addInitScript({ content: 'window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); }, getState() {}, setState() {} });' });
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await page.waitForFunction('window.codexChat !== undefined');
    await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify({ type: 'snapshot', entries: [], session: session() })} }))`);
  });
  afterEach(async () => page?.close());

  /** Fires a paste (on the prompt) or drop (on the composer) carrying these files. */
  async function transfer(kind: 'paste' | 'drop', files: { name: string; type: string; base64?: string; size?: number }[]): Promise<void> {
    await page.evaluate(
      ({ kind, files }) => {
        const data = new DataTransfer();
        for (const f of files) {
          const bytes = f.base64 ? Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) : new Uint8Array(f.size ?? 0);
          data.items.add(new File([bytes], f.name, { type: f.type }));
        }
        if (kind === 'paste') document.querySelector('.composer-input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        else document.querySelector('.composer')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      { kind, files },
    );
  }
  const posted = () => page.evaluate('window.__posted') as Promise<any[]>;
  const sends = async () => (await posted()).filter((m) => m.type === 'send' || m.type === 'shell');
  const chips = () => page.locator('.image-tray .image-chip');
  const note = () => page.locator('.image-note').textContent();

  it('a pasted screenshot becomes a removable chip and is sent with the prompt', async () => {
    const png = makePng(40, 30).toString('base64');
    await transfer('paste', [{ name: 'image.png', type: 'image/png', base64: png }]);
    await chips().first().waitFor();
    assert.equal(await chips().count(), 1);
    assert.equal(await page.locator('.image-tray .image-chip img').first().getAttribute('src'), `data:image/png;base64,${png}`);
    await page.locator('.image-tray .chip-remove').click();
    assert.equal(await chips().count(), 0, 'removed before sending');

    await transfer('paste', [{ name: 'image.png', type: 'image/png', base64: png }]);
    await chips().first().waitFor();
    await page.locator('.composer-input').fill('what is this?');
    await page.locator('.composer-input').press('Enter');
    await page.waitForFunction('window.__posted.some((m) => m.type === "send")');
    const [send] = await sends();
    assert.equal(send.text, 'what is this?');
    assert.deepEqual(send.images, [{ name: 'image.png', dataUrl: `data:image/png;base64,${png}`, width: 40, height: 30 }]);
    assert.equal(await chips().count(), 0, 'the tray is empty after sending');
  });

  it('dropped images are scaled to 2048 px, too large or non-image files are refused with the limit', async () => {
    await transfer('drop', [{ name: 'wide.png', type: 'image/png', base64: makePng(3000, 1000).toString('base64') }]);
    await chips().first().waitFor();
    assert.match((await note()) ?? '', /wide\.png \(3000×1000\) was scaled to 2048×683: images are sent at most 2048 px on a side/);

    await transfer('drop', [{ name: 'huge.png', type: 'image/png', size: 21 * 1024 * 1024 }]);
    await page.waitForFunction('document.querySelector(".image-note").textContent.includes("huge.png")');
    assert.match((await note()) ?? '', /huge\.png is 21\.0 MB; images up to 20\.0 MB can be attached/);
    await transfer('drop', [{ name: 'notes.txt', type: 'text/plain', base64: btoa('hello') }]);
    await page.waitForFunction('document.querySelector(".image-note").textContent.includes("Only image files")');
    assert.equal(await chips().count(), 1, 'only the scaled image is attached');

    // An image alone (no text) can be sent.
    await page.locator('.composer .send').click();
    await page.waitForFunction('window.__posted.some((m) => m.type === "send")');
    const [send] = await sends();
    assert.equal(send.images.length, 1);
    assert.deepEqual([send.images[0].width, send.images[0].height], [2048, 683]);
    assert.deepEqual(pngSize(Buffer.from(send.images[0].dataUrl.split(',')[1], 'base64')), { width: 2048, height: 683 });
  });

  it('a prompt starting with ! goes to the host as a shell command', async () => {
    await page.locator('.composer-input').fill('!git status --short');
    await page.locator('.composer-input').press('Enter');
    await page.waitForFunction('window.__posted.some((m) => m.type === "shell")');
    assert.deepEqual(await sends(), [{ type: 'shell', command: 'git status --short' }]);
  });
});
