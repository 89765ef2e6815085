/**
 * The skills UI with real layout and keyboard (headless Chromium): the `$`
 * popup in the composer and the /skills list's enable/disable buttons. The
 * host is played by the test: it answers `skillQuery` and reads what the
 * webview posts.
 */
import assert from 'node:assert/strict';
import type { SkillCandidate } from '../../webview/protocol';
import { session } from './harness';
import { useChatPage } from './browserPage';

const SKILLS: SkillCandidate[] = [
  { name: 'release-notes', description: 'Writes release notes from the merged changes', path: '/home/u/.codex/skills/release-notes/SKILL.md', scope: 'user', enabled: true },
  { name: 'sql-review', description: 'Reviews SQL migrations for locking and data loss', path: '/repo/.agents/skills/sql-review/SKILL.md', scope: 'repo', enabled: true },
  { name: 'old-style', description: 'A disabled skill never offered by $', path: '/repo/.agents/skills/old-style/SKILL.md', scope: 'repo', enabled: false },
];

describe('skills UI in Chromium', function () {
  this.timeout(60000);
  const rig = useChatPage({ width: 340, height: 700 });
  beforeEach(async () => {
    await post({ type: 'snapshot', entries: [], session: session() });
  });

  const post = (message: unknown) => rig.page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }))`);
  const posted = () => rig.page.evaluate('window.__posted') as Promise<any[]>;

  it('typing $ asks for the skills, shows name and description, filters, and sends the chosen skill', async () => {
    await rig.page.locator('.composer-input').focus();
    await rig.page.keyboard.type('please $');
    await rig.page.waitForFunction('window.__posted.some((m) => m.type === "skillQuery")');
    assert.equal(await rig.page.locator('.popup-empty').textContent(), 'Loading skills…');
    await post({ type: 'skillResults', skills: SKILLS });
    await rig.page.locator('.popup-item').first().waitFor();
    const rows = await rig.page.locator('.popup-item').evaluateAll((items) => items.map((row) => [row.querySelector('.popup-label')!.textContent, row.querySelector('.popup-detail')!.textContent]));
    assert.deepEqual(rows, [
      ['$release-notes', 'Writes release notes from the merged changes'],
      ['$sql-review', 'Reviews SQL migrations for locking and data loss'],
    ]);
    const popup = await rig.page.locator('.popup').boundingBox();
    assert.ok(popup && popup.y >= 0 && popup.width > 200, 'the popup is on screen above the composer');
    // Names starting with the typed text come first, then names containing it.
    await rig.page.keyboard.type('s');
    assert.deepEqual(await rig.page.locator('.popup-item .popup-label').allTextContents(), ['$sql-review', '$release-notes']);
    await rig.page.keyboard.type('q');
    assert.deepEqual(await rig.page.locator('.popup-item .popup-label').allTextContents(), ['$sql-review']);
    await rig.page.keyboard.press('Enter');
    assert.equal(await rig.page.locator('.composer-input').inputValue(), 'please $sql-review ');
    await rig.page.keyboard.type('on the new migration');
    await rig.page.keyboard.press('Enter');
    const send = (await posted()).find((m) => m.type === 'send');
    assert.deepEqual(send, {
      type: 'send',
      text: 'please $sql-review on the new migration',
      mentions: [],
      skills: [{ name: 'sql-review', path: '/repo/.agents/skills/sql-review/SKILL.md' }],
    });
  });

  it('a chosen skill deleted from the text is not sent', async () => {
    await rig.page.locator('.composer-input').focus();
    await post({ type: 'skillResults', skills: SKILLS });
    await rig.page.keyboard.type('$rel');
    await rig.page.locator('.popup-item').first().waitFor();
    await rig.page.keyboard.press('Enter');
    await rig.page.locator('.composer-input').fill('never mind');
    await rig.page.keyboard.press('Enter');
    const send = (await posted()).find((m) => m.type === 'send');
    assert.equal(send.text, 'never mind');
    assert.equal(send.skills, undefined);
  });

  it('/skills shows every skill with a working Enable/Disable button, and the errors', async () => {
    await post({
      type: 'upsert',
      entry: { kind: 'skills', id: 'skills-list', skills: SKILLS, errors: [{ path: '/repo/.agents/skills/broken/SKILL.md', message: 'missing field `description`' }] },
    });
    await rig.page.locator('.skill-row').first().waitFor();
    assert.equal(await rig.page.locator('.skills-title').textContent(), 'Skills (3)');
    assert.deepEqual(await rig.page.locator('.skill-row button').allTextContents(), ['Disable', 'Disable', 'Enable']);
    assert.match((await rig.page.locator('.skill-error').textContent())!, /broken\/SKILL\.md.*missing field/);
    // Every button is fully visible in a narrow side bar.
    const boxes = await rig.page.locator('.skill-row button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().right));
    for (const right of boxes) assert.ok(right <= 340, `button inside the view (right edge ${right})`);
    await rig.page.locator('.skill-row', { hasText: 'old-style' }).locator('button').click();
    await rig.page.locator('.skill-row', { hasText: 'sql-review' }).locator('button').click();
    const toggles = (await posted()).filter((m) => m.type === 'setSkillEnabled');
    assert.deepEqual(toggles, [
      { type: 'setSkillEnabled', path: '/repo/.agents/skills/old-style/SKILL.md', enabled: true },
      { type: 'setSkillEnabled', path: '/repo/.agents/skills/sql-review/SKILL.md', enabled: false },
    ]);
  });

  it('a skill used in a turn shows as a chip on the user message', async () => {
    await post({ type: 'upsert', entry: { kind: 'user', id: 'u1', text: 'please $sql-review', attachments: [{ label: '$sql-review', details: '/repo/.agents/skills/sql-review/SKILL.md', skill: true }] } });
    const chip = rig.page.locator('.entry-user .chip-skill');
    await chip.waitFor();
    assert.equal(await chip.textContent(), '$sql-review');
    assert.equal(await chip.getAttribute('title'), '/repo/.agents/skills/sql-review/SKILL.md');
    assert.equal(await chip.locator('.codicon-sparkle').count(), 1);
  });
});
