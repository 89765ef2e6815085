/**
 * The chat in the four built-in theme kinds, rendered in headless Chromium: every kind of text
 * (messages, markdown, code and its highlighting, cards, badges, approvals, notices, banner,
 * composer, popup) must reach WCAG AA contrast (4.5:1) against what is painted behind it, and code
 * must actually be highlighted. The theme variables and body classes in test/webview/themes/ were
 * captured from code-server's webview for Default Dark Modern, Default Light Modern, Default High
 * Contrast and Default High Contrast Light, together with the default styles VS Code injects
 * into every webview (vscodeDefaultStyles.css); the theme contrast scenario of test/e2e/qaExplore.ts
 * captures them again (QA_THEME=<theme>).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SessionInfo } from '../../webview/protocol';
import { REPO_ROOT } from '../helpers/protocolSchema';
import { CHAT_TEXT_TARGETS, CONTRAST_SCRIPT, type ContrastResult } from './contrast';
import { ensureWebviewBundle, session } from './harness';
import { sampleEntries } from './sampleEntries';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const THEMES_DIR = path.join(__dirname, 'themes');
const THEMES = ['default-dark-modern', 'default-light-modern', 'default-high-contrast', 'default-high-contrast-light'];
const AA = 4.5;

interface ThemeCapture {
  theme: string;
  bodyClass: string;
  vars: Record<string, string>;
}

function themePage(dir: string, slug: string): string {
  const capture = JSON.parse(fs.readFileSync(path.join(THEMES_DIR, `${slug}.json`), 'utf8')) as ThemeCapture;
  const style = Object.entries(capture.vars)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ')
    .replace(/"/g, '&quot;');
  const defaults = fs.readFileSync(path.join(THEMES_DIR, 'vscodeDefaultStyles.css'), 'utf8');
  const dist = path.join(REPO_ROOT, 'dist');
  const file = path.join(dir, `${slug}.html`);
  fs.writeFileSync(
    file,
    `<!DOCTYPE html><html style="${style}"><head><meta charset="utf-8"><style id="_defaultStyles">${defaults}</style>` +
      `<link rel="stylesheet" href="${pathToFileURL(path.join(dist, 'webview.css'))}"></head>` +
      `<body class="${capture.bodyClass}"><div id="app"></div><script src="${pathToFileURL(path.join(dist, 'webview.js'))}"></script></body></html>`,
  );
  return pathToFileURL(file).href;
}

describe('chat webview contrast in light, dark and high-contrast themes (Chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let dir: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    ensureWebviewBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-webview-themes-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The empty chat (its hint), then one of every entry, the server-down banner and the slash popup. */
  async function renderEverything(slug: string): Promise<{ page: Page; emptyState: ContrastResult[] }> {
    // Tall enough that the windowed transcript renders every sample row at once.
    const page = await browser.newPage({ viewport: { width: 420, height: 3200 } });
    await page.addInitScript({ content: 'window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });' });
    await page.goto(themePage(dir, slug));
    await page.waitForFunction('window.codexChat !== undefined');
    await page.evaluate(CONTRAST_SCRIPT);
    const emptyState = (await page.evaluate(`window.__measureContrast(${JSON.stringify(CHAT_TEXT_TARGETS.filter((t) => t.selector === '.empty-state'))})`)) as ContrastResult[];
    const down: SessionInfo = session({ connection: 'disconnected', connectionMessage: 'The Codex server exited with code 1; restarting in 2 s', threadTitle: 'Harden calc.ts', turnRunning: true });
    await page.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), { type: 'snapshot', entries: sampleEntries(), session: down });
    // The slash popup, with its first row selected.
    await page.locator('.composer-input').focus();
    await page.keyboard.type('/');
    await page.locator('.popup-item.selected').waitFor();
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    return { page, emptyState };
  }

  for (const slug of THEMES) {
    it(`${slug}: every kind of chat text reaches ${AA}:1, code is highlighted, the popup selection shows`, async () => {
      const { page, emptyState } = await renderEverything(slug);
      try {
        const onPage = CHAT_TEXT_TARGETS.filter((t) => t.selector !== '.empty-state');
        const results = [...emptyState, ...((await page.evaluate(`window.__measureContrast(${JSON.stringify(onPage)})`)) as ContrastResult[])];
        // THEME_SHOTS=dir saves the rendering in screen-sized slices, to look at.
        if (process.env.THEME_SHOTS) {
          for (let y = 0; y < 3200; y += 800) await page.screenshot({ path: path.join(process.env.THEME_SHOTS, `${slug}-${y / 800}.png`), clip: { x: 0, y, width: 420, height: 800 } });
        }
        const missing = results.filter((r) => !r.found).map((r) => r.name);
        assert.deepEqual(missing, [], `every text kind is on the page in ${slug}`);
        const low = results.filter((r) => r.ratio! < AA).map((r) => `${r.name}: ${r.foreground} on ${r.background} = ${r.ratio}:1`);
        assert.deepEqual(low, [], `text below ${AA}:1 in ${slug}`);

        // The selected popup row stands out: a different fill, or (high contrast) a visible outline.
        const rows = (await page.evaluate(`(() => {
          const look = (s) => { const c = getComputedStyle(document.querySelector(s)); return { background: c.backgroundColor, outline: c.outlineStyle === 'none' || c.outlineWidth === '0px' ? 'none' : c.outlineColor }; };
          return { selected: look('.popup-item.selected'), other: look('.popup-item:not(.selected)') };
        })()`)) as { selected: { background: string; outline: string }; other: { background: string; outline: string } };
        const outlined = !['none', 'rgba(0, 0, 0, 0)', 'transparent'].includes(rows.selected.outline);
        assert.ok(rows.selected.background !== rows.other.background || outlined, `the selected popup row is marked in ${slug} (${JSON.stringify(rows)})`);

        // Highlighting is visible: token colours differ from the plain code text and from each other.
        const colors = (await page.evaluate(`(() => {
          const color = (s) => getComputedStyle(document.querySelector(s)).color;
          return { plain: color('.code-wrapper pre code'), keyword: color('.hljs-keyword'), string: color('.hljs-string'), comment: color('.hljs-comment'), number: color('.hljs-number') };
        })()`)) as Record<string, string>;
        for (const token of ['keyword', 'string', 'comment', 'number']) assert.notEqual(colors[token], colors.plain, `${token} is coloured in ${slug}`);
        assert.equal(new Set([colors.keyword, colors.string, colors.comment]).size, 3, `keyword, string and comment are told apart in ${slug}`);
      } finally {
        await page.close();
      }
    });
  }
});
