/** Every count the user reads agrees with its number: "1 editor", "2 editors", "1 hook needs review". */
import assert from 'node:assert/strict';
import { agree, countOf } from '../../shared/plural';
import { approvalsBadgeTooltip, changesBadgeTooltip, hooksBadgeTooltip } from '../../extension/status/badgeText';
import { buildIdeAttachment, type EditorSnapshot } from '../../extension/ide/ideContext';

function editor(fsPath: string): EditorSnapshot {
  return { uri: `file://${fsPath}`, scheme: 'file', fsPath, languageId: 'typescript', isDirty: false, visibleRanges: [] };
}

describe('count wording', () => {
  it('singular for one, plural otherwise', () => {
    assert.deepEqual([0, 1, 2].map((n) => countOf(n, 'file')), ['0 files', '1 file', '2 files']);
    assert.equal(countOf(1, 'entry', 'entries'), '1 entry');
    assert.equal(countOf(3, 'entry', 'entries'), '3 entries');
    assert.deepEqual([1, 2].map((n) => agree(n, 'needs', 'need')), ['needs', 'need']);
  });

  it('the badge tooltips say what they count', () => {
    assert.equal(changesBadgeTooltip(1), 'Codex: 1 changed file waits for review (Accept or Reject in the Changes view)');
    assert.equal(changesBadgeTooltip(3), 'Codex: 3 changed files wait for review (Accept or Reject in the Changes view)');
    assert.equal(approvalsBadgeTooltip(1), 'Codex: 1 approval waits for your answer');
    assert.equal(approvalsBadgeTooltip(2), 'Codex: 2 approvals wait for your answer');
    assert.equal(hooksBadgeTooltip(1), 'Codex: 1 hook needs review before it runs');
    assert.equal(hooksBadgeTooltip(4), 'Codex: 4 hooks need review before they run');
  });

  it('the /ide chip counts one editor and one problem in the singular', () => {
    const active = { ...editor('/w/a.ts'), cursor: { line: 1, column: 1 } };
    const attachment = buildIdeAttachment({
      workspaceFolders: [{ name: 'w', uri: 'file:///w', scheme: 'file', fsPath: '/w' }],
      activeEditor: active,
      recentEditors: [active],
      diagnostics: [{ uri: 'file:///w/a.ts', scheme: 'file', fsPath: '/w/a.ts', items: [{ severity: 'error', message: 'bad', line: 1, column: 1 }] }],
    });
    assert.equal(attachment.label, 'IDE context: a.ts, 1 editor, 1 problem');
    assert.match(attachment.details!, /Problems: 1 in 1 file\b/);
  });
});
