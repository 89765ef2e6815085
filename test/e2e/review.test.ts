/**
 * End-to-end code review (issue 19): the packaged .vsix in code-server against the scripted
 * model. A modified workspace is reviewed with /review → "Uncommitted changes"; the chat shows
 * the findings list, the editor shows the finding as a comment thread right under its line,
 * and Fix sends a follow-up turn about that finding. Screenshots: test-results/e2e-review-*.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { reply } from '../helpers/scriptedModel';
import { E2eSession, eventually } from './sessionHarness';

const FILE = 'src/sample.ts';

describe('end-to-end code review in code-server', function () {
  this.timeout(360_000);
  const session = new E2eSession();

  before(async function () {
    this.timeout(5 * 60_000);
    await session.start({ screenshotPrefix: 'e2e-review' });
    // An uncommitted change on line 2 of a committed file.
    const file = path.join(session.workspace, FILE);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('return a + b;', 'return a - b;'));
  });

  after(async function () {
    this.timeout(60_000);
    await session.stop();
  });

  it('/review on uncommitted changes: findings in the chat and on the line in the editor; Fix sends a turn', async () => {
    const absolute = path.join(session.workspace, FILE);
    const findings = {
      findings: [
        {
          title: '[P1] add() subtracts',
          body: 'The function is called `add` but now returns `a - b`.',
          confidence_score: 0.9,
          priority: 1,
          code_location: { absolute_file_path: absolute, line_range: { start: 2, end: 2 } },
        },
        {
          title: '[P3] answer depends on add()',
          body: 'The constant changes with the bug above.',
          confidence_score: 0.5,
          priority: 3,
          code_location: { absolute_file_path: absolute, line_range: { start: 5, end: 5 } },
        },
      ],
      overall_correctness: 'patch is incorrect',
      overall_explanation: 'add() no longer adds.',
      overall_confidence_score: 0.9,
    };
    session.model.enqueue(reply.text(JSON.stringify(findings)));
    try {
      await session.openCodexContainer();
      const frame = await session.sendPrompt('/review');
      // The target picker.
      const row = session.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Uncommitted changes' }).first();
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await row.click();

      const review = frame.locator('.entry-review');
      await review.waitFor({ timeout: 60_000 });
      await eventually('the findings in the chat', async () => /add\(\) subtracts[\s\S]*answer depends/.test(await review.innerText()), 20_000);
      assert.equal((await review.locator('.badge.priority').first().innerText()).trim(), 'P1');
      assert.match(await review.locator('[data-action="open-location"]').first().innerText(), /sample\.ts:2$/);
      // The model got the git diff of the uncommitted change.
      const request = JSON.stringify(session.model.modelRequests[0].body.input);
      assert.match(request, /-  return a \+ b;\\n\+  return a - b;/);
      await session.screenshot('chat-findings');

      // The location link opens the file; the finding is a comment thread under line 2.
      await review.locator('[data-action="open-location"]').first().click();
      const widget = session.page.locator('.review-widget:visible', { hasText: 'add() subtracts' }).first();
      await widget.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match(await widget.innerText(), /P1/);
      const line2 = session.page.locator('.monaco-editor .view-line', { hasText: 'return a - b;' }).first();
      const lineBox = (await line2.boundingBox())!;
      const widgetBox = (await widget.boundingBox())!;
      const gap = widgetBox.y - (lineBox.y + lineBox.height);
      assert.ok(gap >= -2 && gap < lineBox.height, `the comment sits right under line 2 (gap ${gap}px)`);
      await session.screenshot('editor-finding');

      // Fix: a follow-up turn asking to fix just this finding.
      session.model.enqueue(reply.text('Fixed the subtraction.'));
      const fix = widget.locator('.action-label[aria-label="Fix"], a[aria-label="Fix"]').first();
      await fix.click();
      await eventually('the Fix turn reaching the model', () => session.model.modelRequests.length >= 2, 30_000);
      const fixRequest = JSON.stringify(session.model.modelRequests[1].body.input);
      assert.match(fixRequest, /Fix this code review finding, and only this one: add\(\) subtracts/);
      assert.match(fixRequest, /sample\.ts, line 2\./);
      await frame.locator('.entry-agent', { hasText: 'Fixed the subtraction.' }).waitFor({ timeout: 30_000 });
      await session.screenshot('fix-sent');

      // Editing the lines of a finding removes it; the other one stays.
      const otherWidget = session.page.locator('.review-widget:visible', { hasText: 'answer depends' }).first();
      await otherWidget.waitFor({ state: 'visible', timeout: 20_000 });
      const otherCount = () => session.page.locator('.review-widget:visible', { hasText: 'answer depends' }).count();
      await session.page.locator('.monaco-editor .view-line', { hasText: 'export const answer' }).first().click();
      await session.page.keyboard.press('End');
      await session.page.keyboard.type(' // edited');
      await eventually('the edited finding to go', async () => (await otherCount()) === 0, 10_000);
      assert.ok(await widget.isVisible(), 'the untouched finding stays');
      await session.page.keyboard.press('Control+s');

      // After a window reload the finding is read back from the thread.
      await session.runCommand('Developer: Reload Window');
      await session.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await session.openFile(FILE);
      const restored = session.page.locator('.review-widget:visible', { hasText: 'add() subtracts' }).first();
      await restored.waitFor({ state: 'visible', timeout: 60_000 });
      assert.equal(await session.page.locator('.review-widget:visible', { hasText: 'answer depends' }).count(), 0, 'the edited-away finding does not come back');
      await session.screenshot('after-reload');

    } catch (error) {
      await session.screenshot('FAILED').catch(() => undefined);
      throw new Error(`${(error as Error).message}\n${await session.diagnostics()}`);
    }
  });
});
