/**
 * Webview render benchmark: opens the built chat webview (`dist/webview.js`
 * + `dist/webview.css`) in headless Chromium at sidebar size, delivers a
 * 5,000-item thread as one snapshot (as the host does when the view opens),
 * and measures the time until the first frame is painted. Then it scrolls
 * from the bottom to the top and reports frame times.
 *
 * Not pass/fail. Honours BENCH_REPS; prints a table, then as its last line
 * `{"samples":[open ms…], …}` for `npm run bench`.
 * Run alone: `node esbuild.mjs && node --import tsx bench/webview.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { ChatEntry, SessionInfo } from '../webview/protocol';

const REPO_ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ITEMS = Number(process.env.BENCH_WEBVIEW_ITEMS ?? 5000);
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 5));

/** A realistic mix: prompts, markdown answers with code, reasoning, commands, file changes. */
function thread(count: number): ChatEntry[] {
  const entries: ChatEntry[] = [];
  for (let i = 0; entries.length < count; i++) {
    entries.push({ kind: 'user', id: `u${i}`, text: `Please fix the failing test number ${i} in src/module${i % 40}.ts` });
    entries.push({ kind: 'reasoning', id: `r${i}`, summary: [`**Inspecting** module ${i}`, 'Looking at the stack trace and the test.'], streaming: false });
    entries.push({
      kind: 'command',
      id: `c${i}`,
      command: `npm test -- --grep "case ${i}"`,
      cwd: '/workspace',
      output: Array.from({ length: 12 }, (_, line) => `  ✔ case ${i}.${line} passes`).join('\n'),
      exitCode: i % 7 === 0 ? 1 : 0,
      status: i % 7 === 0 ? 'failed' : 'completed',
      durationMs: 1200 + i,
    });
    entries.push({
      kind: 'fileChange',
      id: `f${i}`,
      status: 'completed',
      files: [
        { path: `src/module${i % 40}.ts`, kind: 'update', added: 4, removed: 2 },
        { path: `test/module${i % 40}.test.ts`, kind: 'update', added: 10, removed: 0 },
      ],
    });
    entries.push({
      kind: 'agent',
      id: `a${i}`,
      streaming: false,
      text: `Fixed **case ${i}**: the guard was inverted.\n\n\`\`\`ts\nexport function check${i}(value: number): boolean {\n  return value > ${i}; // was <\n}\n\`\`\`\n\n- updated the test\n- ran \`npm test\``,
    });
  }
  return entries.slice(0, count);
}

const session: SessionInfo = {
  connection: 'connected',
  turnRunning: false,
  model: 'gpt-5',
  approvalPolicy: 'on-request',
  sandboxMode: 'workspace-write',
  models: [{ id: 'gpt-5', label: 'GPT-5' }],
  pendingApprovals: 0,
};

/** Runs inside the page: open = snapshot message → first painted frame; scroll = frame durations bottom → top. */
const PAGE_HELPERS = `
window.acquireVsCodeApi = () => ({ postMessage() {}, getState: () => undefined, setState() {} });
window.__bench = {
  open(entries, session) {
    return new Promise((resolve) => {
      const started = performance.now();
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'snapshot', entries, session } }));
      void document.body.offsetHeight;
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
    });
  },
  scroll() {
    return new Promise((resolve) => {
      const viewport = document.querySelector('.transcript');
      const durations = [];
      // Also time the list's own work per frame (rendering rows, measuring), apart from the browser's.
      const list = window.codexChat.list;
      const original = list.renderNow.bind(list);
      window.__layoutMs = [];
      list.renderNow = () => {
        const started = performance.now();
        original();
        window.__layoutMs.push(performance.now() - started);
      };
      let last = performance.now();
      const step = () => {
        const now = performance.now();
        durations.push(now - last);
        last = now;
        if (viewport.scrollTop <= 0 || durations.length > 4000) return resolve(durations.slice(1));
        viewport.scrollTop -= 400;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
  },
};
`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dist = path.join(REPO_ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'webview.js'))) throw new Error('dist/webview.js is missing: run `node esbuild.mjs` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-webview-bench-'));
  const page = path.join(dir, 'index.html');
  fs.writeFileSync(
    page,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(path.join(dist, 'webview.css'))}"></head>` +
      `<body><div id="app"></div><script src="${pathToFileURL(path.join(dist, 'webview.js'))}"></script></body></html>`,
  );
  const entries = thread(ITEMS);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const openSamples: number[] = [];
  const scrollFrames: number[] = [];
  const layoutTimes: number[] = [];
  let renderedRows = 0;
  try {
    for (let rep = 0; rep < REPS; rep++) {
      const context = await browser.newContext({ viewport: { width: 420, height: 900 } });
      const tab = await context.newPage();
      // Plain-text page scripts: the test runner's transpiler would otherwise inject helpers the page lacks.
      await tab.addInitScript({ content: PAGE_HELPERS });
      tab.on('pageerror', (error) => console.error('page error:', error.message));
      await tab.goto(pathToFileURL(page).href);
      await tab.waitForFunction('window.codexChat !== undefined');
      const openMs = (await tab.evaluate(`window.__bench.open(${JSON.stringify(entries)}, ${JSON.stringify(session)})`)) as number;
      openSamples.push(openMs);
      renderedRows = await tab.evaluate(() => document.querySelectorAll('.entry').length);
      if (rep === 0) {
        scrollFrames.push(...((await tab.evaluate('window.__bench.scroll()')) as number[]));
        layoutTimes.push(...((await tab.evaluate('window.__layoutMs')) as number[]));
      }
      await context.close();
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const median = percentile(openSamples, 50);
  console.log(`Webview: ${ITEMS} items, ${REPS} runs, ${renderedRows} rows in the DOM after opening`);
  console.log(`  open (snapshot → first frame): median ${median.toFixed(0)} ms, min ${Math.min(...openSamples).toFixed(0)} ms, max ${Math.max(...openSamples).toFixed(0)} ms`);
  console.log(`  scroll bottom→top: ${scrollFrames.length} frames, median ${percentile(scrollFrames, 50).toFixed(1)} ms, p95 ${percentile(scrollFrames, 95).toFixed(1)} ms, max ${Math.max(...scrollFrames).toFixed(1)} ms`);
  console.log(`  list work per scroll frame: median ${percentile(layoutTimes, 50).toFixed(1)} ms, p95 ${percentile(layoutTimes, 95).toFixed(1)} ms, max ${Math.max(...layoutTimes).toFixed(1)} ms (machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
  console.log(JSON.stringify({ samples: openSamples.map((n) => Math.round(n * 10) / 10), items: ITEMS, renderedRows, scrollFrameP95Ms: percentile(scrollFrames, 95), scrollFrameMaxMs: Math.max(...scrollFrames), scrollFrames: scrollFrames.length, layoutP95Ms: percentile(layoutTimes, 95) }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
