/**
 * End-to-end: the packaged .vsix in code-server, driven through headless Chromium, against
 * the scripted model, one user session in order (issue 10):
 *   1 open the chat view            5 reopen the thread from the Threads view after a reload
 *   2 prompt → streamed reply       6 a configured hook in the Hooks view, trusted
 *   3 approve a command, see output 7 /ide with a selection shows the context chip
 *   4 diff decorations, reject one  8 kill the server, the chat recovers
 *     hunk, file on disk checked
 * Each step saves test-results/e2e-NN-stepN-….png. A failing step prints the step, the Codex
 * server log, the extension-host log and the browser/webview console; later steps then fail
 * as "not reached".
 *
 * Which steps run: CODEX_E2E_STEPS=all (what `npm run test:e2e` sets) or a list like "1,2,5";
 * without it (inside `npm test`) only ENABLED_IN_NPM_TEST run and the others are listed as
 * pending with that reason. CODEX_E2E_SERVER=reference runs the same session against the
 * official `codex app-server` (via codex.serverPath) to tell UI bugs from server bugs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { reply } from '../helpers/scriptedModel';
import { E2eSession, RESULTS_DIR, eventually } from './sessionHarness';

/** Steps that pass with the product as committed; the rest need features still landing. */
const ENABLED_IN_NPM_TEST = new Set<number>([1, 2, 3, 4, 5, 6, 7, 8]);

const STEP_TIMEOUT_MS = 90_000;

function selectedSteps(): { run: Set<number>; reason: string } {
  const spec = process.env.CODEX_E2E_STEPS;
  if (!spec) return { run: ENABLED_IN_NPM_TEST, reason: 'not enabled in npm test yet (run npm run test:e2e for the full session)' };
  if (spec === 'all') return { run: new Set([1, 2, 3, 4, 5, 6, 7, 8]), reason: '' };
  return { run: new Set(spec.split(',').map((s) => Number(s.trim()))), reason: `not in CODEX_E2E_STEPS=${spec}` };
}

/** The file the agent edits in step 4: two hunks far apart, so one can be rejected alone. */
const EDIT_FILE = 'src/calc.ts';
const EDIT_BEFORE = [
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function sub(a: number, b: number): number {',
  '  return a - b;',
  '}',
  '',
  'export function mul(a: number, b: number): number {',
  '  return a * b;',
  '}',
  '',
  'export function div(a: number, b: number): number {',
  '  return a / b;',
  '}',
  '',
].join('\n');
const EDIT_PATCH = [
  '*** Begin Patch',
  `*** Update File: ${EDIT_FILE}`,
  '@@',
  ' export function add(a: number, b: number): number {',
  '-  return a + b;',
  '+  return a + b; // checked by codex',
  ' }',
  '@@',
  ' export function div(a: number, b: number): number {',
  '-  return a / b;',
  "+  if (b === 0) throw new Error('division by zero');",
  '+  return a / b;',
  ' }',
  '*** End Patch',
  '',
].join('\n');
const HOOK_MARK = 'e2e-stop-hook';

describe('end-to-end session in code-server (packaged .vsix, headless Chromium)', function () {
  this.timeout(STEP_TIMEOUT_MS);
  const { run, reason } = selectedSteps();
  const session = new E2eSession();
  let started = false;
  let brokenAt: string | undefined;
  let threadTitleText = '';

  before(async function () {
    this.timeout(5 * 60_000);
    if (run.size === 0) return;
    for (const old of fs.existsSync(RESULTS_DIR) ? fs.readdirSync(RESULTS_DIR) : []) {
      if (/^e2e-.*\.png$/.test(old)) fs.rmSync(path.join(RESULTS_DIR, old));
    }
    await session.start({
      server: process.env.CODEX_E2E_SERVER === 'reference' ? 'reference' : 'ours',
      settings: { 'codex.approvalPolicy': 'untrusted' },
      prepareCodexHome: (codexHome) => {
        // A user-level Stop hook: listed in the Hooks view as needing review until trusted.
        const hookLog = path.join(codexHome, 'hook-runs.log');
        fs.appendFileSync(
          path.join(codexHome, 'config.toml'),
          `\n[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = ${JSON.stringify(`echo ${HOOK_MARK} >> ${hookLog}`)}\n`,
        );
      },
    });
    fs.writeFileSync(path.join(session.workspace, EDIT_FILE), EDIT_BEFORE);
    started = true;
  });

  after(async function () {
    this.timeout(60_000);
    await session.stop();
  });

  /** Registers one session step: screenshot after it, diagnostics on failure, later steps stop. */
  function step(index: number, title: string, body: () => Promise<void>): void {
    const name = `step ${index}: ${title}`;
    if (!run.has(index)) {
      it.skip(`${name} — ${reason}`, () => undefined);
      return;
    }
    it(name, async () => {
      if (!started) throw new Error(`${name} not reached: the session did not start`);
      if (brokenAt) throw new Error(`${name} not reached: ${brokenAt} failed`);
      const slug = `step${index}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40)}`;
      try {
        await body();
        await session.screenshot(slug);
      } catch (error) {
        brokenAt = name;
        const shot = await session.screenshot(`${slug}-FAILED`).catch(() => '(no screenshot)');
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`E2E failed at ${name}\n${message}\nscreenshot: ${shot}\n${await session.diagnostics()}`);
      }
    });
  }

  const chat = (): Promise<Frame> => session.chatFrame();

  step(1, 'open the chat view', async () => {
    await session.openCodexContainer();
    const frame = await chat();
    await frame.locator('.composer-input').waitFor({ state: 'visible' });
    await eventually('the chat to be connected (banner hidden)', async () => (await frame.locator('.connection-banner').isHidden()) || null, 30_000);
  });

  step(2, 'send a prompt and see the streamed reply', async () => {
    session.model.enqueue({
      ...reply.text('Hello from the scripted model: **streaming** works.', ['Hello ', 'from the ', 'scripted model: ', '**streaming** ', 'works.']),
      eventDelayMs: 250,
    });
    const frame = await session.sendPrompt('Say hello');
    await frame.locator('.entry-user', { hasText: 'Say hello' }).waitFor({ timeout: 15_000 });
    const agent = frame.locator('.entry-agent').last();
    await agent.waitFor({ timeout: 20_000 });
    // Watch the text grow: a partial message must be on screen before the whole one.
    const seen = new Set<string>();
    await eventually('the full streamed reply', async () => {
      const text = (await agent.innerText()).trim();
      const done = /streaming works\./.test(text);
      if (text && !done && ![...seen].some((t) => !/streaming works\./.test(t))) await session.screenshot('step2-streaming');
      if (text) seen.add(text);
      return done;
    }, 20_000);
    const partial = [...seen].filter((text) => !/streaming works\./.test(text));
    assert.ok(partial.length > 0, `the reply streamed in pieces (saw: ${JSON.stringify([...seen])})`);
    assert.equal(await agent.locator('strong').first().innerText(), 'streaming', 'markdown is rendered');
    assert.equal(session.model.modelRequests.length, 1, 'one model request');
    // The last words are on screen ~1 s before the model's stream ends and the turn completes.
    // Reloading (step 5) or prompting (step 3, a steer) before then interrupts or extends the
    // turn, and the official server then stores no reply for it: wait as a user waits for Stop to go.
    await eventually('the turn to complete (Stop button gone)', async () => !(await frame.evaluate(() => document.body.classList.contains('turn-running'))), 20_000);
  });

  step(3, 'approve a command and see its output', async () => {
    session.model.enqueue(
      reply.call('exec_command', { cmd: 'touch approved.txt && echo e2e-approved-output', yield_time_ms: 5000 }),
      reply.text('The command ran.'),
    );
    const frame = await session.sendPrompt('Create approved.txt');
    const approval = frame.locator('.entry-approval').last();
    await approval.waitFor({ timeout: 30_000 });
    assert.match(await approval.innerText(), /touch approved\.txt/);
    const heldCommand = frame.locator('.entry-command', { hasText: 'touch approved.txt' }).last();
    await eventually('the held command card to say it awaits approval', async () => /awaiting approval/.test(await heldCommand.locator('.badge').innerText()), 10_000);
    await session.screenshot('step3-approval-card');
    // The Codex icon in the activity bar counts what waits for the user: this approval plus the
    // Stop hook that needs review (configured for step 6). Answering takes the approval off.
    const badge = session.page.locator('.activitybar .action-item:has(.action-label[aria-label^="Codex"]) .badge-content');
    const badgeCount = async () => ((await badge.isVisible()) ? Number((await badge.innerText()).trim()) || 0 : 0);
    const hooksWaiting = 1; // trusted only in step 6
    await eventually('the approval counted on the Codex icon', async () => (await badgeCount()) === hooksWaiting + 1, 10_000);
    await approval.locator('button[data-decision="accept"]').click();
    await eventually('the answered approval to leave the count', async () => (await badgeCount()) === hooksWaiting, 10_000);
    const command = frame.locator('.entry-command', { hasText: 'touch approved.txt' }).last();
    await command.waitFor({ timeout: 30_000 });
    await eventually('the command output in the chat', async () => {
      if (!(await command.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) await command.locator('summary').click();
      return /e2e-approved-output/.test(await command.innerText());
    }, 30_000);
    await frame.locator('.entry-agent', { hasText: 'The command ran.' }).waitFor({ timeout: 20_000 });
    assert.ok(fs.existsSync(path.join(session.workspace, 'approved.txt')), 'the approved command really ran in the workspace');
  });

  step(4, 'see diff decorations, reject one hunk, check the file on disk', async () => {
    // The shell-intercepted apply_patch form: what models send when no apply_patch tool is offered.
    session.model.enqueue(reply.call('exec_command', { cmd: `apply_patch <<'EOF'\n${EDIT_PATCH}EOF\n` }), reply.text('Edited calc.ts.'));
    const frame = await session.sendPrompt('Harden calc.ts');
    // Under the untrusted policy the edit itself may ask first.
    const approval = frame.locator('.entry-approval.pending, .entry-approval:has(.approval.pending)').last();
    const edited = frame.locator('.entry-agent', { hasText: 'Edited calc.ts.' });
    await eventually('the edit to be applied (approving it if asked)', async () => {
      if (await approval.locator('button[data-decision="accept"]').isVisible().catch(() => false)) {
        await approval.locator('button[data-decision="accept"]').click();
      }
      return edited.isVisible();
    }, 45_000);
    const onDisk = () => fs.readFileSync(path.join(session.workspace, EDIT_FILE), 'utf8');
    assert.match(onDisk(), /checked by codex/);
    assert.match(onDisk(), /division by zero/);

    await session.openFile(EDIT_FILE);
    const editor = session.page.locator('.editor-instance .monaco-editor').first();
    const lens = editor.locator('.contentWidgets .codelens-decoration');
    await eventually('Accept/Reject CodeLens on both hunks', async () => (await lens.filter({ hasText: 'Reject' }).count()) >= 2, 20_000);
    // Gutter bars are SVG data-URI backgrounds in the editor's margin.
    const gutterMarks = await editor.evaluate((root) =>
      [...root.querySelectorAll('.margin *')].filter((node) => getComputedStyle(node).backgroundImage.includes('data:image/svg+xml')).length,
    );
    assert.ok(gutterMarks >= 2, `gutter decorations on the changed lines (found ${gutterMarks})`);
    await session.screenshot('step4-decorations');

    // Reject the second hunk (the division guard): its CodeLens is the lower one.
    await lens.filter({ hasText: 'Reject' }).last().locator('a', { hasText: 'Reject' }).click();
    // Poll for the whole expected text: a save is not atomic, and a read in the middle of it
    // sees a truncated file that merely lacks the rejected line.
    const expected = EDIT_BEFORE.replace('  return a + b;', '  return a + b; // checked by codex');
    let lastSeen = '';
    await eventually('the rejected hunk reverted on disk, the other hunk kept', () => (lastSeen = onDisk()) === expected, 20_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- ${EDIT_FILE} on disk ---\n${lastSeen}`);
    });
  });

  step(5, 'find the thread in the Threads view and reopen it after reloading the window', async () => {
    await session.openCodexContainer();
    const threads = await session.expandView('Threads');
    // The view titles the thread by itself after its first turn: no Refresh pressed here.
    const row = threads.locator('.monaco-list-row', { hasText: 'Say hello' }).first();
    await row.waitFor({ timeout: 10_000 });
    threadTitleText = (await row.innerText()).split('\n')[0];

    await session.runCommand('Developer: Reload Window');
    await session.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await session.page.waitForTimeout(2_000);
    await session.openCodexContainer();
    const threadsAfter = await session.expandView('Threads');
    const rowAfter = threadsAfter.locator('.monaco-list-row', { hasText: 'Say hello' }).first();
    await rowAfter.waitFor({ timeout: 30_000 });
    await rowAfter.click();
    const frame = await chat();
    await frame.locator('.entry-agent', { hasText: 'streaming works.' }).waitFor({ timeout: 30_000 });
    await frame.locator('.entry-user', { hasText: 'Say hello' }).waitFor({ timeout: 10_000 });
    assert.ok(threadTitleText.length > 0);
  });

  step(6, 'see a configured hook in the Hooks view and trust it', async () => {
    await session.openCodexContainer();
    const hooks = await session.expandView('Hooks');
    const row = hooks.locator('.monaco-list-row', { hasText: HOOK_MARK }).first();
    await row.waitFor({ timeout: 20_000 });
    assert.match(await row.innerText(), /needs review/);
    await row.hover();
    await row.locator('.action-label[aria-label="Trust Hook"], .action-label[title="Trust Hook"]').click();
    // Trusting asks first, showing the command and where it is defined.
    const dialog = session.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.innerText(), new RegExp(HOOK_MARK));
    await session.screenshot('step6-trust-dialog');
    await dialog.locator('.dialog-buttons a.monaco-button, .dialog-buttons button', { hasText: /^Trust$/ }).first().click();
    await eventually('the hook to show as trusted', async () => /trusted/.test(await row.innerText()) && !/needs review/.test(await row.innerText()), 20_000);
    const config = fs.readFileSync(path.join(session.codexHome, 'config.toml'), 'utf8');
    assert.match(config, /trusted_hash/, 'trust is persisted in config.toml');
  });

  step(7, 'use /ide with a selection and see the context chip', async () => {
    await session.openFile('src/sample.ts');
    const editorText = session.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await editorText.click();
    await session.page.keyboard.press('Control+Home');
    await session.page.keyboard.press('Shift+ArrowDown');
    await session.page.keyboard.press('Shift+ArrowDown');
    session.model.enqueue(reply.text('That function adds two numbers.'));
    const frame = await session.sendPrompt('/ide what does this do?');
    const user = frame.locator('.entry-user', { hasText: 'what does this do?' }).last();
    await user.waitFor({ timeout: 20_000 });
    const chip = user.locator('.chip').first();
    await chip.waitFor({ timeout: 10_000 });
    assert.match(await chip.innerText(), /sample\.ts|selection|IDE/i);
    await frame.locator('.entry-agent', { hasText: 'adds two numbers' }).waitFor({ timeout: 20_000 });
    const lastRequest = JSON.stringify(session.model.modelRequests.at(-1)?.body ?? {});
    assert.match(lastRequest, /sample\.ts/, 'the IDE context reached the model');
    await user.scrollIntoViewIfNeeded();
    if (run.has(6)) {
      // The Stop hook trusted in step 6 now runs at the end of each turn.
      const hookLog = path.join(session.codexHome, 'hook-runs.log');
      await eventually('the trusted Stop hook to run after the turn', () => fs.existsSync(hookLog) && fs.readFileSync(hookLog, 'utf8').includes(HOOK_MARK), 15_000);
    }
  });

  step(8, 'kill the server process and see the chat recover', async () => {
    const before = session.serverPids();
    assert.ok(before.length > 0, 'the app-server process is found');
    for (const pid of before) process.kill(pid, 'SIGKILL');
    const frame = await chat();
    // The banner may be up only briefly while the client restarts the server: capture it if seen.
    if (await frame.locator('.connection-banner').waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) {
      await session.screenshot('step8-disconnected');
    }
    await eventually('a new server process', () => {
      const now = session.serverPids();
      return now.length > 0 && now.every((pid) => !before.includes(pid));
    }, 30_000);
    await eventually('the chat to show connected again', async () => (await frame.locator('.connection-banner').isHidden()) || null, 30_000);
    session.model.enqueue(reply.text('Back after the restart.'));
    await session.sendPrompt('Still there?');
    await frame.locator('.entry-agent', { hasText: 'Back after the restart.' }).waitFor({ timeout: 30_000 });
  });
});
