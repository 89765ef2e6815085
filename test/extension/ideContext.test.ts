import assert from 'node:assert/strict';
import { buildIdeAttachment, capIdeContext, capUtf8, IDE_LIMITS, isSecretPath, TRUNCATION_MARKER, type EditorSnapshot, type IdeSnapshot } from '../../extension/ide/ideContext';

function editor(fsPath: string, extra: Partial<EditorSnapshot> = {}): EditorSnapshot {
  return { uri: `file://${fsPath}`, scheme: 'file', fsPath, languageId: 'typescript', isDirty: false, visibleRanges: [{ startLine: 1, endLine: 40 }], ...extra };
}

function snapshot(extra: Partial<IdeSnapshot> = {}): IdeSnapshot {
  return { workspaceFolders: [{ name: 'w', uri: 'file:///w', scheme: 'file', fsPath: '/w' }], recentEditors: [], diagnostics: [], ...extra };
}

describe('IDE context capping', () => {
  it('cuts UTF-8 on a character boundary', () => {
    const text = 'é'.repeat(10); // 20 bytes
    const capped = capUtf8(text, 5);
    assert.equal(capped.text, 'éé');
    assert.equal(capped.truncated, true);
    assert.equal(capped.bytes, 20);
    assert.deepEqual(capUtf8('abc', 5), { text: 'abc', truncated: false, bytes: 3 });
  });

  it('caps the selection at 16 KiB with a visible marker', () => {
    const big = 'x'.repeat(40 * 1024);
    const active = { ...editor('/w/a.ts'), cursor: { line: 3, column: 7 }, selection: { text: big, startLine: 1, startColumn: 1, endLine: 900, endColumn: 2 } };
    const attachment = buildIdeAttachment(snapshot({ activeEditor: active, recentEditors: [active] }));
    assert.ok(attachment.text.includes(`${TRUNCATION_MARKER} ${40 * 1024} bytes]`));
    assert.ok(attachment.text.includes('x'.repeat(IDE_LIMITS.selectionBytes)));
    assert.ok(!attachment.text.includes('x'.repeat(IDE_LIMITS.selectionBytes + 1)));
    assert.match(attachment.label, /selection \(truncated\)/);
    assert.match(attachment.details!, /truncated to 16 KiB/);
    assert.ok(attachment.text.startsWith('<ide_context>') && attachment.text.endsWith('</ide_context>'));
    assert.match(attachment.text, /a\.ts \(typescript\), cursor at line 3, column 7/);
  });

  it('keeps at most 10 editors, most recent first, file: only, with visible ranges and unsaved state', () => {
    const editors = [
      editor('/w/untitled', { scheme: 'untitled', uri: 'untitled:Untitled-1' }),
      ...Array.from({ length: 14 }, (_, i) => editor(`/w/f${i}.ts`, { isDirty: i === 1, visibleRanges: [{ startLine: i + 1, endLine: i + 20 }] })),
    ];
    const ctx = capIdeContext(snapshot({ recentEditors: editors }));
    assert.equal(ctx.openEditors.length, 10);
    assert.equal(ctx.openEditors[0].path, '/w/f0.ts');
    assert.equal(ctx.omittedEditors, 4);
    const text = buildIdeAttachment(snapshot({ recentEditors: editors })).text;
    assert.ok(text.includes('/w/f1.ts (typescript) [unsaved] visible lines 2-21'));
    assert.ok(text.includes('4 more open editors omitted'));
    assert.ok(!text.includes('untitled'));
  });

  it('caps diagnostics at 20 files x 50 items x 500 characters, errors and warnings only', () => {
    const diagnostics = Array.from({ length: 25 }, (_, f) => ({
      uri: `file:///w/d${f}.ts`,
      scheme: 'file',
      fsPath: `/w/d${f}.ts`,
      items: Array.from({ length: 60 }, (_, i) => ({ severity: i % 2 ? ('warning' as const) : ('error' as const), message: `m${i} ${'y'.repeat(700)}`, line: i + 1, column: 1 })),
    }));
    diagnostics.push({ uri: 'git:/w/x.ts', scheme: 'git', fsPath: '/w/x.ts', items: [{ severity: 'error', message: 'from git', line: 1, column: 1 }] });
    const ctx = capIdeContext(snapshot({ diagnostics }));
    assert.equal(ctx.diagnostics.length, 20);
    assert.equal(ctx.omittedDiagnosticFiles, 5);
    for (const file of ctx.diagnostics) {
      assert.equal(file.items.length, 50);
      assert.equal(file.omitted, 10);
      assert.ok(file.items.every((i) => i.message.length <= 500));
      assert.equal(file.items[0].severity, 'error', 'errors first');
    }
    assert.ok(!JSON.stringify(ctx).includes('from git'));
  });

  it('never mentions or quotes secret files unless open and selected', () => {
    assert.ok(isSecretPath('/w/.env'));
    assert.ok(isSecretPath('/w/.env.production'));
    assert.ok(!isSecretPath('/w/.env.example'));
    assert.ok(isSecretPath('/home/u/.ssh/config'));
    assert.ok(isSecretPath('/w/server.pem'));
    assert.ok(!isSecretPath('/w/src/env.ts'));

    const env = editor('/w/.env');
    const withoutSelection = buildIdeAttachment(
      snapshot({
        activeEditor: { ...env, cursor: { line: 1, column: 1 } },
        recentEditors: [env, editor('/w/a.ts')],
        diagnostics: [{ uri: 'file:///w/.env', scheme: 'file', fsPath: '/w/.env', items: [{ severity: 'error', message: 'SECRET=hunter2 is bad', line: 1, column: 1 }] }],
      }),
    );
    assert.ok(!withoutSelection.text.includes('hunter2'));
    assert.deepEqual(withoutSelection.files, [{ name: 'a.ts', path: '/w/a.ts' }]);

    const selected = buildIdeAttachment(
      snapshot({ activeEditor: { ...env, cursor: { line: 1, column: 1 }, selection: { text: 'TOKEN=abc', startLine: 1, startColumn: 1, endLine: 1, endColumn: 10 } }, recentEditors: [env] }),
    );
    assert.ok(selected.text.includes('TOKEN=abc'), 'an explicit selection is shared');
    assert.deepEqual(selected.files, []);
  });

  it('fences a selection so backticks inside cannot end the block', () => {
    const active = { ...editor('/w/a.md'), cursor: { line: 1, column: 1 }, selection: { text: '```\nclose\n```', startLine: 1, startColumn: 1, endLine: 3, endColumn: 4 } };
    const text = buildIdeAttachment(snapshot({ activeEditor: active })).text;
    assert.ok(text.includes('````\n```\nclose\n```\n````'));
  });
});
