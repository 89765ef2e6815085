/**
 * Exploratory QA walk-through (not part of npm test): the packaged extension in code-server
 * against the scripted model, through the scenarios a user meets, with a screenshot after each
 * in dark and light themes and at a narrow side bar width. Screenshots go to /tmp/qa-shots.
 *
 *   npx tsx test/e2e/qaExplore.ts
 *   QA_ONLY='hooks view at start-up' npx tsx test/e2e/qaExplore.ts   (only the scenarios whose name contains it)
 *   QA_THEME='Default High Contrast Light' QA_ONLY='theme contrast' npx tsx test/e2e/qaExplore.ts
 *     (starts in that theme; the theme contrast scenario shows every chat entry kind, measures
 *     WCAG contrast in the real webview and saves the theme's variables, the source of
 *     test/webview/themes/*.json)
 *
 * Each scenario is independent: a failure is logged with its screenshot and the walk goes on.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { writeUserSettings } from '../../scripts/codeServer';
import { reply } from '../helpers/scriptedModel';
import { CHAT_TEXT_TARGETS, CONTRAST_SCRIPT, type ContrastResult } from '../webview/contrast';
import { sampleEntries } from '../webview/sampleEntries';
import { E2eSession, eventually } from './sessionHarness';

const SHOTS = process.env.QA_SHOTS ?? '/tmp/qa-shots';
const session = new E2eSession();
const baseSettings = { 'codex.approvalPolicy': 'untrusted' };
let shotIndex = 0;
const problems: string[] = [];

async function shot(name: string): Promise<void> {
  shotIndex++;
  await session.page.screenshot({ path: path.join(SHOTS, `${String(shotIndex).padStart(2, '0')}-${name}.png`) });
}

async function chatShot(frame: Frame, name: string): Promise<void> {
  shotIndex++;
  await frame.locator('body').screenshot({ path: path.join(SHOTS, `${String(shotIndex).padStart(2, '0')}-${name}-webview.png`) }).catch(() => undefined);
}

async function scenario(name: string, body: () => Promise<void>): Promise<void> {
  if (process.env.QA_ONLY && !name.includes(process.env.QA_ONLY)) return;
  console.log(`== ${name}`);
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    problems.push(`${name}: ${message}`);
    console.log(`   FAILED: ${message}`);
    await shot(`${name.replace(/\W+/g, '-')}-FAILED`).catch(() => undefined);
  }
}

/** Horizontal overflow inside the chat webview: elements wider than the viewport. */
async function overflowReport(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const node of document.querySelectorAll('body *')) {
      const rect = node.getBoundingClientRect();
      if (rect.width > 0 && rect.right > width + 1) {
        // Only report the outermost offender per subtree.
        const parent = node.parentElement?.getBoundingClientRect();
        if (parent && parent.right > width + 1) continue;
        found.push(`${node.tagName.toLowerCase()}.${[...node.classList].join('.')} right=${Math.round(rect.right)} > ${width}`);
      }
    }
    return found.slice(0, 15);
  });
}

const LONG_MARKDOWN = [
  '# Plan for the refactor',
  '',
  'Here is what I found in `src/calc.ts` and a [link to the docs](https://example.com/docs).',
  '',
  '## Steps',
  '',
  '1. Read the **existing** functions',
  '2. Add _guards_ for edge cases',
  '   - nested item with `inline code`',
  '   - another nested item',
  '3. Run the tests',
  '',
  '### Table',
  '',
  '| function | status | notes |',
  '| --- | --- | --- |',
  '| add | ok | nothing to change here at all, a long cell to test wrapping in narrow widths |',
  '| div | guard | division by zero |',
  '',
  '```typescript',
  'export function div(a: number, b: number): number {',
  "  if (b === 0) throw new Error('division by zero'); // a very long comment that goes on and on to overflow the code block horizontally",
  '  return a / b;',
  '}',
  '```',
  '',
  '```python',
  'def div(a, b):',
  '    if b == 0:',
  '        raise ZeroDivisionError("nope")',
  '    return a / b',
  '```',
  '',
  '```bash',
  'npm test -- --grep calc && echo "done"',
  '```',
  '',
  '> A quote: keep it simple.',
  '',
  'A very long unbroken token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.ts',
].join('\n');

async function acceptPendingApprovals(frame: Frame, until: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  await eventually('the turn to finish (approving when asked)', async () => {
    const accept = frame.locator('.entry-approval button[data-decision="accept"]').last();
    if (await accept.isVisible().catch(() => false)) await accept.click();
    return until();
  }, timeoutMs);
}

async function main(): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const old of fs.readdirSync(SHOTS)) if (old.endsWith('.png')) fs.rmSync(path.join(SHOTS, old));
  await session.start({
    settings: { ...baseSettings, 'workbench.colorTheme': process.env.QA_THEME ?? 'Default Dark Modern' },
    prepareCodexHome: (codexHome) => {
      fs.appendFileSync(path.join(codexHome, 'config.toml'), `\n[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = "echo qa-hook"\n`);
    },
  });
  const chat = () => session.chatFrame();

  await scenario('hooks view at start-up', async () => {
    // Open the Hooks view at once, while the server may still be starting, and record every
    // text it shows until it lists the Stop hook configured in CODEX_HOME's config.toml.
    await session.openCodexContainer();
    const pane = await session.expandView('Hooks');
    const seen: string[] = [];
    await eventually('the configured Stop hook in the Hooks view', async () => {
      const text = (await pane.locator('.pane-body').innerText({ timeout: 1_000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
      if (text && seen[seen.length - 1] !== text) seen.push(text);
      return text.includes('echo qa-hook');
    }, 90_000);
    console.log('   the Hooks view showed, in order:', seen);
    if (seen.some((text) => /No hooks configured/.test(text))) problems.push('the Hooks view said "No hooks configured" before it listed the configured Stop hook');
    await shot('hooks-view-at-startup');
  });

  await scenario('empty chat', async () => {
    await session.openCodexContainer();
    const frame = await chat();
    await eventually('connected', async () => (await frame.locator('.connection-banner').isHidden()) || null, 30_000);
    await shot('empty-chat-dark');
    await chatShot(frame, 'empty-chat-dark');
  });

  await scenario('long markdown with reasoning', async () => {
    session.model.enqueue(reply.items({ type: 'reasoning', summary: ['**Inspecting calc.ts** I will look at the functions and their edge cases before proposing changes.'] }, { type: 'message', text: LONG_MARKDOWN }));
    const frame = await session.sendPrompt('Explain the plan with a table and code');
    await frame.locator('.entry-agent', { hasText: 'keep it simple' }).waitFor({ timeout: 30_000 });
    await shot('markdown-dark');
    await chatShot(frame, 'markdown-dark');
    console.log('   overflow:', await overflowReport(frame));
  });

  await scenario('command with long output and approval', async () => {
    session.model.enqueue(
      reply.call('exec_command', { cmd: 'for i in $(seq 1 60); do echo "output line $i with some padding text to make it wide enough to wrap or scroll horizontally in the card"; done', yield_time_ms: 5000 }),
      reply.text('The command ran.'),
    );
    const frame = await session.sendPrompt('Run a noisy command');
    await frame.locator('.entry-approval').last().waitFor({ timeout: 30_000 });
    await shot('approval-dark');
    await chatShot(frame, 'approval-dark');
    await acceptPendingApprovals(frame, () => frame.locator('.entry-agent', { hasText: 'The command ran.' }).isVisible(), 45_000);
    // The activity bar badge counts waiting approvals: none are left.
    const badges = (await session.page.locator('.activitybar .badge').allInnerTexts()).filter((text) => text.trim());
    if (badges.length) problems.push(`an activity bar badge stayed after the approval was answered: ${badges.join(', ')}`);
    const command = frame.locator('.entry-command').last();
    if (!(await command.locator('details').evaluate((d) => (d as HTMLDetailsElement).open).catch(() => true))) await command.locator('summary').click();
    await command.scrollIntoViewIfNeeded();
    await shot('command-card-dark');
    await chatShot(frame, 'command-card-dark');
    console.log('   overflow:', await overflowReport(frame));
  });

  await scenario('plan checklist', async () => {
    session.model.enqueue(
      reply.call('update_plan', { explanation: 'Three steps', plan: [{ step: 'Read calc.ts', status: 'completed' }, { step: 'Add guards to div', status: 'in_progress' }, { step: 'Run the tests and report back with a summary of everything that changed', status: 'pending' }] }),
      reply.text('Plan updated.'),
    );
    const frame = await session.sendPrompt('Make a plan');
    await acceptPendingApprovals(frame, () => frame.locator('.entry-agent', { hasText: 'Plan updated.' }).isVisible(), 30_000);
    await shot('plan-dark');
    await chatShot(frame, 'plan-dark');
  });

  await scenario('file change', async () => {
    const patch = ['*** Begin Patch', '*** Update File: src/calc.ts', '@@', ' export function div(a: number, b: number): number {', '-  return a / b;', "+  if (b === 0) throw new Error('division by zero');", '+  return a / b;', ' }', '*** Add File: src/notes/a-rather-long-directory-name/another-level/new-file-with-a-long-name.md', '+# Notes', '*** End Patch', ''].join('\n');
    session.model.enqueue(reply.call('exec_command', { cmd: `apply_patch <<'EOF'\n${patch}EOF\n` }), reply.text('Edited calc.ts.'));
    const frame = await session.sendPrompt('Harden calc.ts');
    const approval = frame.locator('.entry-approval').last();
    await approval.waitFor({ timeout: 30_000 }).catch(() => undefined);
    await shot('file-change-approval-dark');
    await acceptPendingApprovals(frame, () => frame.locator('.entry-agent', { hasText: 'Edited calc.ts.' }).isVisible(), 45_000);
    await frame.locator('.entry-agent', { hasText: 'Edited calc.ts.' }).scrollIntoViewIfNeeded();
    await shot('file-change-dark');
    await chatShot(frame, 'file-change-dark');
    console.log('   overflow:', await overflowReport(frame));
  });

  await scenario('model error 500', async () => {
    for (let i = 0; i < 8; i++) session.model.enqueue(reply.status(500));
    const frame = await session.sendPrompt('This will fail');
    await eventually('an error in the chat', async () => (await frame.locator('.notice-error, .entry-error').count()) > 0, 90_000);
    await shot('error-dark');
    await chatShot(frame, 'error-dark');
  });

  await scenario('slash and mention popups', async () => {
    const frame = await chat();
    const input = frame.locator('.composer-input');
    await input.click();
    await input.fill('');
    await input.type('/');
    await frame.locator('.popup').first().waitFor({ timeout: 5_000 });
    await shot('slash-popup-dark');
    await input.fill('');
    await input.type('look at @');
    await frame.waitForTimeout(1_500);
    await shot('mention-popup-dark');
    await input.type('calc');
    await frame.waitForTimeout(1_500);
    await shot('mention-popup-filtered-dark');
    await input.press('Escape');
    await input.fill('');
  });

  await scenario('pickers', async () => {
    const frame = await chat();
    const pickers = frame.locator('.pickers button, .pickers select');
    console.log('   pickers:', await pickers.evaluateAll((nodes) => nodes.map((n) => `${n.tagName}:${(n as HTMLElement).innerText || n.getAttribute('aria-label') || n.getAttribute('title')}`)));
    if ((await pickers.count()) > 0) {
      await pickers.first().click();
      await session.page.waitForTimeout(1_000);
      await shot('picker-open-dark');
      await session.page.keyboard.press('Escape');
    }
  });

  await scenario('threads and hooks views', async () => {
    // A second thread, then archive the first one.
    const frame = await chat();
    const newThread = frame.locator('button[data-action="newThread"], button[aria-label*="New" i]').first();
    if (await newThread.isVisible().catch(() => false)) await newThread.click();
    else await session.runCommand('Codex: New Thread');
    session.model.enqueue(reply.text('Second thread reply.'));
    await session.sendPrompt('A second thread about something else entirely with a long title that should truncate');
    await (await chat()).locator('.entry-agent', { hasText: 'Second thread reply.' }).waitFor({ timeout: 30_000 });
    await session.expandView('Threads');
    await session.page.waitForTimeout(1_500);
    await shot('threads-view-dark');
    await session.expandView('Hooks');
    await session.page.waitForTimeout(1_500);
    await shot('hooks-view-dark');
  });

  await scenario('stop during streaming, then send while scrolled up', async () => {
    await session.openCodexContainer();
    const parts = Array.from({ length: 60 }, (_, i) => `chunk ${i} `);
    session.model.enqueue({ ...reply.text(parts.join(''), parts), eventDelayMs: 200 });
    const frame = await session.sendPrompt('Stream something I will stop');
    await frame.locator('.entry-agent', { hasText: 'chunk 3 ' }).waitFor({ timeout: 30_000 });
    await chatShot(frame, 'streaming-with-stop');
    await frame.locator('.composer .stop').click();
    await eventually('the turn to stop', async () => (await frame.locator('.composer .stop').isHidden()) || null, 15_000);
    // A reader scrolled to the top who sends a prompt is brought back to the end.
    await frame.evaluate(() => (document.querySelector('.transcript')!.scrollTop = 0));
    session.model.enqueue(reply.text('Answer after the stop.'));
    await session.sendPrompt('And now?');
    await frame.locator('.entry-agent', { hasText: 'Answer after the stop.' }).waitFor({ timeout: 30_000 });
    await chatShot(frame, 'after-stop-and-send');
  });

  await scenario('multi-line draft and keyboard', async () => {
    await session.openCodexContainer();
    const frame = await chat();
    const input = frame.locator('.composer-input');
    await input.click();
    await input.fill('');
    for (const line of ['line one', 'line two', 'line three']) {
      await session.page.keyboard.type(line);
      await session.page.keyboard.press('Shift+Enter');
    }
    const size = await input.evaluate((e) => [e.clientHeight, e.scrollHeight]);
    if (size[1] > size[0] + 1) problems.push(`the composer hides part of a 3-line draft (${size[0]} < ${size[1]} px)`);
    await chatShot(frame, 'multiline-draft');
    await input.fill('');
    await session.page.keyboard.type('/');
    await session.page.keyboard.press('Escape');
    if (await frame.locator('.popup').isVisible()) problems.push('Escape did not close the slash popup');
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await session.page.keyboard.press('Tab');
      order.push(await frame.evaluate(() => { const a = document.activeElement as HTMLElement; if (!a || a === document.body) return '(out of the chat)'; return `${a.getAttribute('aria-label') ?? a.textContent?.trim()}${getComputedStyle(a).outlineStyle === 'none' ? ' (NO FOCUS RING)' : ''}`; }));
    }
    console.log('   Tab order from the composer:', order.join(' → '));
  });

  await scenario('editor decorations and focus while streaming', async () => {
    await session.openFile('src/calc.ts');
    await session.page.waitForTimeout(2_000);
    await shot('editor-decorations-dark');
    // Stream a slow reply, then click into the editor and type: focus must stay there.
    session.model.enqueue({ ...reply.text('A slow streamed reply that takes a while to finish streaming.', ['A ', 'slow ', 'streamed ', 'reply ', 'that ', 'takes ', 'a ', 'while ', 'to ', 'finish ', 'streaming.']), eventDelayMs: 400 });
    await session.sendPrompt('Stream slowly');
    const lines = session.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await lines.click();
    await session.page.keyboard.press('Control+End');
    await session.page.keyboard.type('// typed while streaming');
    await session.page.waitForTimeout(5_000);
    const focusedInEditor = await session.page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'));
    console.log('   focus in editor after streaming:', focusedInEditor);
    if (!focusedInEditor) problems.push('focus left the editor while the agent streamed');
    await shot('focus-after-streaming-dark');
    await session.page.keyboard.press('Control+z');
  });

  await scenario('narrow sidebar 300px dark', async () => {
    await session.openCodexContainer();
    const sidebar = (await session.page.locator('.part.sidebar').boundingBox())!;
    const edge = sidebar.x + sidebar.width;
    const y = sidebar.y + sidebar.height / 2;
    await session.page.mouse.move(edge, y);
    await session.page.mouse.down();
    await session.page.mouse.move(sidebar.x + 300, y, { steps: 6 });
    await session.page.mouse.up();
    await session.page.waitForTimeout(1_000);
    await shot('narrow-dark');
    const frame = await chat();
    await chatShot(frame, 'narrow-dark');
    console.log('   overflow (narrow):', await overflowReport(frame));
  });

  await scenario('light theme', async () => {
    writeUserSettings(session.profile, { ...baseSettings, 'workbench.colorTheme': 'Default Light Modern', 'codex.serverEnv': { CODEX_HOME: session.codexHome, MOCK_KEY: 'e2e-key' } });
    await session.page.waitForTimeout(3_000);
    await shot('narrow-light');
    const frame = await chat();
    await chatShot(frame, 'narrow-light');
    await session.openCodexContainer();
    await session.page.waitForTimeout(1_000);
    await shot('wide-light');
    await chatShot(await chat(), 'wide-light');
    const input = (await chat()).locator('.composer-input');
    await input.click();
    await input.type('/');
    await session.page.waitForTimeout(800);
    await shot('slash-popup-light');
    await input.fill('');
  });

  await scenario('theme contrast of every entry kind', async () => {
    await session.openCodexContainer();
    const frame = await chat();
    await eventually('connected', async () => (await frame.locator('.connection-banner').isHidden()) || null, 30_000);
    const theme = await frame.evaluate(() => ({ bodyClass: document.body.className, style: document.documentElement.getAttribute('style') ?? '' }));
    const vars = Object.fromEntries(theme.style.split(';').map((d) => [d.slice(0, d.indexOf(':')).trim(), d.slice(d.indexOf(':') + 1).trim()]).filter(([name]) => name.startsWith('--')));
    fs.writeFileSync(path.join(SHOTS, 'theme-vars.json'), JSON.stringify({ theme: process.env.QA_THEME ?? 'Default Dark Modern', bodyClass: theme.bodyClass, vars }, null, 1));
    // The same entries the Chromium theme test renders, shown in the real webview with the
    // server-down banner. They stay until the host's next snapshot, so this scenario runs last.
    const down = { connection: 'disconnected', connectionMessage: 'The Codex server exited with code 1; restarting in 2 s', turnRunning: true, model: 'mock-model', approvalPolicy: '', sandboxMode: '', models: [], pendingApprovals: 1 };
    await frame.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), { type: 'snapshot', entries: sampleEntries(), session: down });
    await frame.evaluate(CONTRAST_SCRIPT);
    const results = new Map<string, ContrastResult>();
    const step = Math.max(100, (await frame.evaluate(() => document.querySelector('.transcript')!.clientHeight)) - 40);
    for (let top = 0, i = 0; top < 6000; top += step, i++) {
      await frame.evaluate((t) => (document.querySelector('.transcript')!.scrollTop = t), top);
      await frame.waitForTimeout(150);
      if (i < 8) await chatShot(frame, `theme-entries-${i}`);
      for (const r of (await frame.evaluate((targets) => (window as any).__measureContrast(targets), CHAT_TEXT_TARGETS)) as ContrastResult[]) if (r.found && !results.has(r.name)) results.set(r.name, r);
    }
    const low = [...results.values()].filter((r) => r.ratio! < 4.5);
    console.log(`   ${results.size} text kinds measured, lowest: ${[...results.values()].sort((a, b) => a.ratio! - b.ratio!).slice(0, 3).map((r) => `${r.name} ${r.ratio}`).join(', ')}`);
    for (const r of low) problems.push(`contrast ${r.name}: ${r.foreground} on ${r.background} = ${r.ratio}:1`);
  });

  await scenario('status bar', async () => {
    const items = await session.page.locator('.statusbar-item').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).innerText.trim()).filter(Boolean));
    console.log('   status bar:', items);
  });
}

main()
  .catch((error) => problems.push(`walk aborted: ${error instanceof Error ? error.stack : String(error)}`))
  .finally(async () => {
    console.log('\nproblems:\n' + (problems.join('\n') || '(none)'));
    console.log(`screenshots in ${SHOTS}`);
    if (process.env.QA_KEEP_OPEN) return;
    await session.stop().catch(() => undefined);
    process.exit(0);
  });
