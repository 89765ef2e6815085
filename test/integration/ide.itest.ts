/**
 * The /ide context collector against the real VS Code API: many open
 * editors, a huge selection, real diagnostics (a DiagnosticCollection),
 * an unsaved edit, an untitled document and an open `.env` file. Checks the
 * caps (16 KiB selection with a marker, 10 editors, 20 files x 50 problems x
 * 500 characters), `file:`-only URIs and the secret-file rule.
 *
 * The collector module is bundled into this suite (a second copy of the
 * extension's module): it reads only the `vscode` API, which is the live one.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import { collectIdeContext, EditorHistory, snapshotIde } from '../../extension/ide/collectIdeContext';
import { IDE_LIMITS, TRUNCATION_MARKER } from '../../extension/ide/ideContext';
import { activateCodex, waitFor, workspaceFile } from './index.helpers';

describe('/ide context collector in a real VS Code', function () {
  this.timeout(60_000);
  let history: EditorHistory;
  let diagnostics: vscode.DiagnosticCollection;
  const files = Array.from({ length: 14 }, (_, i) => workspaceFile('ide-itest', `file${i}.ts`));
  const big = workspaceFile('ide-itest', 'big.ts');
  const env = workspaceFile('ide-itest', '.env');

  before(async () => {
    fs.mkdirSync(workspaceFile('ide-itest'), { recursive: true });
    files.forEach((file, i) => fs.writeFileSync(file, Array.from({ length: 200 }, (_, l) => `export const v${i}_${l} = ${l};`).join('\n') + '\n'));
    // ~40 KiB on 800 lines, with multi-byte characters so the cut must respect UTF-8.
    fs.writeFileSync(big, Array.from({ length: 800 }, (_, l) => `// line ${l} ünïcödé ${'x'.repeat(30)}`).join('\n') + '\n');
    fs.writeFileSync(env, 'API_TOKEN=super-secret-value\n');
    history = new EditorHistory();
    diagnostics = vscode.languages.createDiagnosticCollection('codex-ide-itest');
  });

  after(async () => {
    diagnostics.dispose();
    history.dispose();
    // Revert the unsaved edit and the untitled document first, so closing asks nothing.
    for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('caps a selection, many editors and many diagnostics', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const file of files) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    await vscode.window.showTextDocument(vscode.Uri.file(env), { preview: false });
    const untitled = await vscode.workspace.openTextDocument({ content: 'scratch', language: 'plaintext' });
    await vscode.window.showTextDocument(untitled, { preview: false });

    // An unsaved change in file3.
    const dirty = await vscode.window.showTextDocument(vscode.Uri.file(files[3]), { preview: false });
    await dirty.edit((edit) => edit.insert(new vscode.Position(0, 0), '// unsaved edit\n'));
    assert.equal(dirty.document.isDirty, true);

    // Real diagnostics: 25 files x 60 problems with 700-character messages, plus infos, plus the .env file.
    const long = 'z'.repeat(700);
    const entries: [vscode.Uri, vscode.Diagnostic[]][] = files.concat(Array.from({ length: 11 }, (_, i) => workspaceFile('ide-itest', `closed${i}.ts`))).map((file) => [
      vscode.Uri.file(file),
      Array.from({ length: 60 }, (_, i) => new vscode.Diagnostic(new vscode.Range(i, 0, i, 5), `problem ${i} ${long}`, i % 3 === 0 ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error)).concat(
        new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), 'just a hint', vscode.DiagnosticSeverity.Information),
      ),
    ]);
    entries.push([vscode.Uri.file(env), [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 5), 'API_TOKEN=super-secret-value looks odd', vscode.DiagnosticSeverity.Error)]]);
    diagnostics.set(entries);

    // Finally the big file, everything selected: the active editor.
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(big), { preview: false });
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), end);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === big, 5000, 'big.ts active');
    const selectionBytes = Buffer.byteLength(editor.document.getText(editor.selection), 'utf8');
    assert.ok(selectionBytes > IDE_LIMITS.selectionBytes * 2);

    const snapshot = snapshotIde(history);
    assert.ok(snapshot.recentEditors.length >= 16, `all open editors are seen (${snapshot.recentEditors.length})`);
    const attachment = collectIdeContext({ history });
    const text = attachment.text;

    // Active file and selection.
    assert.match(text, /## Active file\n.*big\.ts \(typescript\), cursor at line 801, column 1/);
    assert.ok(text.includes(`${TRUNCATION_MARKER} ${selectionBytes} bytes]`), 'the truncation is marked');
    const fenced = /## Selection: [^\n]+\n(`{3,})\n([\s\S]*?)\n\1\n/.exec(text);
    assert.ok(fenced, 'the selection is fenced');
    assert.ok(Buffer.byteLength(fenced[2], 'utf8') <= IDE_LIMITS.selectionBytes);
    assert.ok(Buffer.byteLength(fenced[2], 'utf8') > IDE_LIMITS.selectionBytes - 4, 'cut at the cap, not before');
    assert.ok(!fenced[2].includes('\uFFFD'), 'no split character');

    // Editors: 10, most recent first, file: only, visible ranges, unsaved state.
    const editorSection = /## Open editors \(most recent first\)\n((?:- .*\n)+)/.exec(text);
    assert.ok(editorSection);
    const editorLines = editorSection[1].trim().split('\n');
    const listed = editorLines.filter((l) => !l.includes('more open editors omitted'));
    assert.equal(listed.length, 10);
    assert.ok(listed[0].includes('big.ts'), 'the active editor comes first');
    assert.ok(listed[1].includes('file3.ts') && listed[1].includes('[unsaved]'), 'then the one used before it, unsaved');
    assert.match(listed[0], /visible lines \d+-\d+/);
    assert.ok(editorLines.some((l) => /more open editors omitted/.test(l)));
    assert.ok(!text.includes('Untitled') && !text.includes('scratch'), 'untitled documents are left out');

    // Diagnostics: 20 files, 50 per file, 500 characters per message, no infos.
    const problemFiles = text.split('\n').filter((l) => l.startsWith('### '));
    assert.equal(problemFiles.length, IDE_LIMITS.diagnosticFiles);
    const problemLines = text.split('\n').filter((l) => /^- (error|warning) line/.test(l));
    assert.equal(problemLines.length, IDE_LIMITS.diagnosticFiles * IDE_LIMITS.diagnosticsPerFile);
    for (const line of problemLines) assert.ok(line.replace(/^- \w+ line \d+:\d+(?: \[[^\]]*\])?: /, '').length <= IDE_LIMITS.diagnosticMessageChars);
    assert.ok(!text.includes('just a hint'));
    assert.match(text, /problems in 5 more files omitted/);

    // The .env file is open but not selected: no content, no mention.
    assert.ok(!text.includes('super-secret-value'));
    assert.ok(!(attachment.files ?? []).some((f) => f.path === env));
    assert.ok((attachment.files ?? []).some((f) => f.path === big));

    // Workspace folder.
    assert.ok(text.includes(vscode.workspace.workspaceFolders![0].uri.fsPath));
    assert.match(attachment.label, /^IDE context: big\.ts, selection \(truncated\), 10 editors, 1000 problems$/);
  });

  it('shares a secret file only when it is open and selected', async () => {
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(env), { preview: false });
    editor.selection = new vscode.Selection(0, 0, 0, 9);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === env, 5000, '.env active');
    const attachment = collectIdeContext({ history });
    assert.ok(attachment.text.includes('API_TOKEN'), 'the selected text is included');
    assert.ok(!(attachment.files ?? []).some((f) => f.path === env), 'but never as a file mention');
  });

  it('toggles auto context through the installed extension', async () => {
    await activateCodex();
    const config = () => vscode.workspace.getConfiguration('codex').get<boolean>('autoContext');
    const before = config();
    await vscode.commands.executeCommand('codex.toggleAutoContext');
    await waitFor(() => config() === !before, 5000, 'autoContext flipped');
    await vscode.commands.executeCommand('codex.toggleAutoContext');
    await waitFor(() => config() === before, 5000, 'autoContext restored');
  });
});
