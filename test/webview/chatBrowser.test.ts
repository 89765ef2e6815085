/**
 * The chat webview with real layout (headless Chromium): a long thread is
 * windowed, streaming keeps the view pinned to the bottom only while the user
 * is there, and scrolling to the top reaches the first message.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ChatEntry, SessionInfo } from '../../webview/protocol';
import { REPO_ROOT } from '../helpers/protocolSchema';
import { ensureWebviewBundle, session } from './harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function longThread(count: number): ChatEntry[] {
  return Array.from({ length: count }, (_, i): ChatEntry =>
    i % 2
      ? { kind: 'agent', id: `a${i}`, streaming: false, text: `Answer ${i}\n\n\`\`\`js\nconsole.log(${i});\n\`\`\`` }
      : { kind: 'user', id: `u${i}`, text: `Question ${i}` },
  );
}

describe('chat webview in Chromium', function () {
  this.timeout(60000);
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    ensureWebviewBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-webview-browser-'));
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
    await page.addInitScript({ content: 'window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });' });
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await page.waitForFunction('window.codexChat !== undefined');
  });
  afterEach(async () => page?.close());

  const post = (message: unknown) => page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }))`);
  const frames = () => page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve))))');
  const metrics = () =>
    page.evaluate(`(() => { const v = document.querySelector('.transcript'); return { top: v.scrollTop, height: v.scrollHeight, client: v.clientHeight, rows: document.querySelectorAll('.entry').length, ids: Array.from(document.querySelectorAll('.entry')).map((e) => e.dataset.id) }; })()`) as Promise<{
      top: number;
      height: number;
      client: number;
      rows: number;
      ids: string[];
    }>;

  it('windows a long thread, follows streaming at the bottom, and leaves a reader scrolled up alone', async () => {
    const entries = longThread(2000);
    entries.push({ kind: 'agent', id: 'live', text: 'Streaming', streaming: true });
    await post({ type: 'snapshot', entries, session: session({ turnRunning: true }) as SessionInfo });
    await frames();
    let m = await metrics();
    assert.ok(m.rows < 80, `only a window is in the DOM (${m.rows} rows)`);
    assert.ok(m.ids.includes('live'), 'opens at the newest entry');
    assert.ok(m.height - m.top - m.client < 5, 'scrolled to the bottom');

    // Streaming while at the bottom keeps the newest text in view.
    for (let i = 0; i < 20; i++) await post({ type: 'append', id: 'live', field: 'text', delta: `\n\nmore line ${i}` });
    await frames();
    m = await metrics();
    assert.ok(m.height - m.top - m.client < 5, 'still pinned to the bottom while streaming');

    // A reader who scrolled up is not yanked down by new text.
    await page.evaluate(`document.querySelector('.transcript').scrollTop = 1000`);
    await frames();
    const before = await metrics();
    for (let i = 0; i < 10; i++) await post({ type: 'append', id: 'live', field: 'text', delta: `\n\nlater line ${i}` });
    await frames();
    const after = await metrics();
    assert.ok(Math.abs(after.top - before.top) < 5, `scroll position kept (${before.top} → ${after.top})`);
    assert.deepEqual(after.ids.slice(0, 3), before.ids.slice(0, 3), 'the same rows are on screen');
  });

  it('sending a prompt while scrolled up brings the conversation back to its end', async () => {
    await post({ type: 'snapshot', entries: longThread(200), session: session() });
    await frames();
    await page.evaluate(`document.querySelector('.transcript').scrollTop = 0`);
    await frames();
    assert.ok(!(await metrics()).ids.includes('a199'), 'the reader is at the top, far from the end');
    await page.locator('.composer-input').fill('A new question');
    await page.locator('.composer-input').press('Enter');
    // The host echoes the prompt and the reply starts streaming.
    await post({ type: 'upsert', entry: { kind: 'user', id: 'new-user', text: 'A new question' } });
    await post({ type: 'upsert', entry: { kind: 'agent', id: 'new-agent', text: 'Starting the answer', streaming: true } });
    await frames();
    const m = await metrics();
    assert.ok(m.ids.includes('new-user') && m.ids.includes('new-agent'), `the new prompt and its reply are rendered (rows: ${m.ids.slice(-3).join(', ')})`);
    assert.ok(m.height - m.top - m.client < 5, 'scrolled to the end');
  });

  it('the composer grows with a multi-line draft (up to a limit) and shrinks back after sending', async () => {
    await post({ type: 'snapshot', entries: longThread(4), session: session() });
    const input = page.locator('.composer-input');
    const box = () => input.evaluate((e: HTMLTextAreaElement) => ({ client: e.clientHeight, scroll: e.scrollHeight, outer: e.offsetHeight }));
    const empty = await box();
    await input.focus();
    for (const line of ['line one', 'line two', 'line three', 'line four']) {
      await page.keyboard.type(line);
      await page.keyboard.press('Shift+Enter');
    }
    const grown = await box();
    assert.ok(grown.outer > empty.outer + 30, `the box grew (${empty.outer} → ${grown.outer} px)`);
    assert.ok(grown.scroll <= grown.client + 1, `every line is visible without scrolling (${grown.scroll} > ${grown.client})`);
    for (let i = 0; i < 60; i++) await page.keyboard.press('Shift+Enter');
    const capped = await box();
    assert.ok(capped.outer <= 800 * 0.4 + 1, `it stops growing at 40% of the view (${capped.outer} px)`);
    await page.keyboard.press('Enter');
    assert.equal(await input.inputValue(), '', 'sent');
    assert.equal((await box()).outer, empty.outer, 'back to its empty size');
  });

  it('a long command output opens scrolled to its end, where the error is', async () => {
    const output = Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`).join('\n') + '\nError: boom at the end\n';
    await post({
      type: 'snapshot',
      entries: [{ kind: 'command', id: 'c', command: 'npm test', cwd: '/ws', output, exitCode: 1, status: 'failed', durationMs: 900 }],
      session: session(),
    });
    await frames();
    const visible = await page.evaluate(`(() => {
      const pre = document.querySelector('.command-output');
      const box = pre.getBoundingClientRect();
      const range = document.createRange();
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      let text = walker.nextNode();
      while (text && !text.textContent.includes('Error: boom')) text = walker.nextNode();
      const at = text.textContent.indexOf('Error: boom');
      range.setStart(text, at);
      range.setEnd(text, at + 5);
      const line = range.getBoundingClientRect();
      return { clipped: pre.scrollHeight > pre.clientHeight, inView: line.top >= box.top && line.bottom <= box.bottom };
    })()`) as { clipped: boolean; inView: boolean };
    assert.ok(visible.clipped, 'the output is longer than its box');
    assert.ok(visible.inView, 'the last lines are what the box shows');
  });

  it('the streaming cursor follows the last word instead of sitting on a line of its own', async () => {
    await post({ type: 'snapshot', entries: [{ kind: 'agent', id: 'live', text: 'First paragraph.\n\nStill typing', streaming: true }], session: session({ turnRunning: true }) });
    await frames();
    const cursor = await page.evaluate(`(() => {
      const last = document.querySelector('.entry-agent .markdown > p:last-child');
      const markdown = document.querySelector('.entry-agent .markdown');
      return { onLastParagraph: getComputedStyle(last, '::after').content, onBlock: getComputedStyle(markdown, '::after').content };
    })()`) as { onLastParagraph: string; onBlock: string };
    assert.equal(cursor.onLastParagraph, '"▍"', 'the cursor ends the last paragraph');
    assert.equal(cursor.onBlock, 'none', 'no extra cursor line under the message');
  });

  it('arrowing down a long mention list keeps the selected row in view', async () => {
    await post({ type: 'snapshot', entries: longThread(4), session: session() });
    await page.locator('.composer-input').focus();
    await page.keyboard.type('see @src');
    const files = Array.from({ length: 20 }, (_, i) => ({ name: `file${i}.ts`, path: `/ws/src/file${i}.ts`, relativePath: `src/file${i}.ts` }));
    await post({ type: 'mentionResults', query: 'src', files });
    await page.locator('.popup-item.selected').waitFor();
    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowDown');
    const view = await page.evaluate(`(() => {
      const popup = document.querySelector('.popup').getBoundingClientRect();
      const row = document.querySelector('.popup-item.selected');
      const box = row.getBoundingClientRect();
      return { label: row.querySelector('.popup-label').textContent, inView: box.top >= popup.top - 1 && box.bottom <= popup.bottom + 1,
        active: document.querySelector('.composer-input').getAttribute('aria-activedescendant') === row.id };
    })()`) as { label: string; inView: boolean; active: boolean };
    assert.equal(view.label, '@file15.ts');
    assert.ok(view.inView, 'the selected row is inside the visible part of the popup');
    assert.ok(view.active, 'the text box names the highlighted row for screen readers');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.composer-input').getAttribute('aria-expanded'), 'false');
  });

  it('scrolling to the top reaches the first message', async () => {
    await post({ type: 'snapshot', entries: longThread(3000), session: session() });
    await frames();
    // Real heights replace estimates as rows render; scroll up until the top is stable.
    for (let i = 0; i < 50; i++) {
      await page.evaluate(`document.querySelector('.transcript').scrollTop = 0`);
      await frames();
      if ((await metrics()).ids.includes('u0')) break;
    }
    const m = await metrics();
    assert.ok(m.ids.includes('u0'), `the first message is rendered at the top (rows: ${m.ids.slice(0, 3).join(', ')})`);
    assert.ok(m.rows < 80);
  });
});
