/**
 * Inline diff review in a real VS Code: the reference `codex app-server`
 * (through `codex.serverPath`) runs a turn against the scripted model that
 * patches files; the extension decorates the open editor live without taking
 * focus, shows Accept/Reject CodeLens, and a rejected hunk is restored on disk
 * (and comes back with undo). Accept All clears the decorations.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../../extension/services';
import { reply, ScriptedModel } from '../helpers/scriptedModel';
import { activateCodex, codexHome, waitFor, workspaceFile } from './index.helpers';

interface InspectState {
  files: { path: string; kind: string; counts: { added: number; removed: number }; hunks: { id: string; kind: string; liveStart: number; liveEnd: number; baseLines: string[] }[] }[];
  painted: Record<string, { added: number[]; modified: number[]; deleted: number[] }>;
  turns: { threadId: string; turnId: string }[];
  lastRestore?: { threadId: string; rebuiltFiles: number; changedFiles: number; at: string };
}

const inspect = () => vscode.commands.executeCommand<InspectState>('codex.diff.inspect');

/** The reference CLI shipped as a devDependency: found through PATH (npm puts node_modules/.bin there) or the repo. */
function referenceCodex(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...[process.env.INIT_CWD, process.env.PWD, process.cwd()].filter(Boolean).map((d) => path.join(d!, 'node_modules', '.bin'))];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'codex');
    if (fs.existsSync(candidate) && fs.realpathSync(candidate).includes(path.join('node_modules', '@openai', 'codex'))) return candidate;
  }
  throw new Error(`the reference codex CLI (node_modules/.bin/codex) is not reachable from the extension host (PATH=${process.env.PATH})`);
}

const BEFORE = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

const PATCH = `*** Begin Patch
*** Update File: review/target.txt
@@
 line 1
-line 2
+line 2 changed by codex
 line 3
@@
 line 6
+inserted by codex
 line 7
@@
 line 10
-line 11
 line 12
*** Add File: review/added.txt
+brand new
*** Delete File: review/doomed.txt
*** End Patch`;

describe('inline diff review in a real VS Code', function () {
  this.timeout(120_000);
  let model: ScriptedModel;
  let services: ExtensionServices;
  const target = workspaceFile('review', 'target.txt');

  before(async () => {
    services = await activateCodex<ExtensionServices>();
    fs.mkdirSync(workspaceFile('review'), { recursive: true });
    fs.writeFileSync(target, BEFORE);
    fs.writeFileSync(workspaceFile('review', 'doomed.txt'), 'to be deleted\n');
    model = await new ScriptedModel().start();
    model.writeConfig(codexHome());
    model.enqueue(reply.call('exec_command', { cmd: `apply_patch <<'EOF'\n${PATCH}\nEOF\n` }), reply.text('Edited the files.'));
    const settings = vscode.workspace.getConfiguration('codex');
    await settings.update('serverPath', referenceCodex(), vscode.ConfigurationTarget.Global);
    await settings.update('serverArgs', ['app-server'], vscode.ConfigurationTarget.Global);
    await settings.update('serverEnv', { MOCK_KEY: 'test-key', CODEX_HOME: codexHome() }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('codex.restartServer');
    await waitFor(() => services.client.state === 'connected', 30_000, 'the reference server to connect');
  });

  after(async () => {
    await model?.stop();
    const settings = vscode.workspace.getConfiguration('codex');
    for (const key of ['serverPath', 'serverArgs', 'serverEnv']) await settings.update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('codex.restartServer').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('decorates the open editor while the turn runs, without taking focus, and offers per-hunk CodeLens', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const targetEditor = await vscode.window.showTextDocument(vscode.Uri.file(target), { viewColumn: vscode.ViewColumn.One, preview: false });
    const readme = await vscode.window.showTextDocument(vscode.Uri.file(workspaceFile('README.md')), { viewColumn: vscode.ViewColumn.Two, preview: false });
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, readme.document.uri.fsPath);

    await services.chat.sendPrompt('Please edit review/target.txt');
    // The agent's edit reaches the editor's document, then the decorations follow.
    await waitFor(() => targetEditor.document.getText().includes('inserted by codex'), 60_000, 'the agent to edit review/target.txt');
    const state = await waitFor(
      async () => {
        const s = await inspect();
        return s.painted[target]?.modified.length && s.files.length === 3 ? s : undefined;
      },
      10_000,
      'decorations on review/target.txt',
    );

    const painted = state.painted[target];
    assert.deepEqual(painted.modified, [1], 'changed line 2 has a modified marker');
    assert.deepEqual(painted.added, [6], 'the inserted line has an added marker');
    assert.deepEqual(painted.deleted, [10], 'the deleted line is marked on the line above the gap');
    const byName = Object.fromEntries(state.files.map((f) => [path.basename(f.path), f]));
    assert.equal(byName['target.txt'].kind, 'modified');
    assert.deepEqual(byName['target.txt'].counts, { added: 2, removed: 2 });
    assert.equal(byName['added.txt'].kind, 'added');
    assert.equal(byName['doomed.txt'].kind, 'deleted');

    // Nothing stole focus: the README editor is still the active one.
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, readme.document.uri.fsPath);

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', targetEditor.document.uri);
    const titles = lenses.filter((l) => l.command?.command.startsWith('codex.diff.')).map((l) => `${l.range.start.line}:${l.command!.title}`);
    // Above the changed line, above the inserted line, and above the gap the deleted line left.
    for (const line of [1, 6, 11]) {
      assert.ok(titles.includes(`${line}:$(check) Accept`), `Accept on line ${line}: ${titles.join(', ')}`);
      assert.ok(titles.includes(`${line}:$(discard) Reject`), `Reject on line ${line}`);
    }
  });

  it('restores a rejected hunk on disk, keeps the others mapped after a user edit, and undo brings it back', async () => {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === target)!;
    // The user types a line at the top first: hunks must follow.
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'user line\n'));
    await editor.document.save();
    let state = await waitFor(async () => {
      const s = await inspect();
      const file = s.files.find((f) => f.path === target);
      return file && file.hunks[0].liveStart === 2 ? s : undefined;
    }, 10_000, 'hunks to follow the user edit');
    const hunks = state.files.find((f) => f.path === target)!.hunks;
    assert.deepEqual(hunks.map((h) => h.liveStart), [2, 7, 12]);

    const changed = hunks[0];
    await vscode.commands.executeCommand('codex.diff.rejectHunk', editor.document.uri.toString(), changed.id);
    const onDisk = fs.readFileSync(target, 'utf8');
    assert.ok(onDisk.startsWith('user line\nline 1\nline 2\nline 3\n'), `line 2 restored on disk:\n${onDisk}`);
    assert.ok(onDisk.includes('inserted by codex'), 'the other hunks stay');
    state = await inspect();
    assert.equal(state.files.find((f) => f.path === target)!.hunks.length, 2);
    await waitFor(async () => (await inspect()).painted[target]?.modified.length === 0, 5_000, 'the modified marker to go');

    // Undo (a WorkspaceEdit is undoable) puts the agent's line back and the hunk returns to review.
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    await vscode.commands.executeCommand('undo');
    assert.ok(editor.document.getText().includes('line 2 changed by codex'));
    state = await waitFor(async () => {
      const s = await inspect();
      return s.files.find((f) => f.path === target)?.hunks.length === 3 ? s : undefined;
    }, 5_000, 'the hunk to come back after undo');
  });

  it('Open Diff shows the read-only baseline next to the live file without moving focus', async () => {
    const readme = vscode.Uri.file(workspaceFile('README.md'));
    await vscode.window.showTextDocument(readme, { viewColumn: vscode.ViewColumn.One, preview: false });
    const before = vscode.window.activeTextEditor?.document.uri.toString();
    assert.equal(before, readme.toString());
    await vscode.commands.executeCommand('codex.diff.openFileDiff', target);
    const baseline = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'codex-baseline' && d.uri.path.endsWith('/review/target.txt')), 10_000, 'the baseline document');
    assert.equal(baseline.getText(), BEFORE);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), before, 'focus stayed where it was');
    const tabs = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    const diffTab = tabs().find((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.original.scheme === 'codex-baseline');
    assert.ok(diffTab, 'a diff tab against the baseline is open');
    assert.equal((diffTab.input as vscode.TabInputTextDiff).modified.fsPath, target, 'its right side is the live file');

    // The whole turn at once: one multi-file diff editor.
    await vscode.commands.executeCommand('codex.openTurnDiff');
    await waitFor(() => tabs().some((tab) => tab.label.startsWith('Codex: changes of the turn')), 10_000, 'the turn diff editor');
  });

  it('survives a server restart: the review is rebuilt from thread/read', async () => {
    const before = await inspect();
    await vscode.commands.executeCommand('codex.restartServer');
    const state = await waitFor(async () => {
      const s = await inspect();
      return s.lastRestore && s.lastRestore.at !== before.lastRestore?.at ? s : undefined;
    }, 30_000, 'the rebuild after the restart');
    assert.equal(state.lastRestore!.threadId, before.turns[0].threadId);
    assert.equal(state.lastRestore!.rebuiltFiles, 3, 'thread/read gave back the three changed files');
    assert.deepEqual(
      state.files.map((f) => [path.basename(f.path), f.kind, f.hunks.length]),
      before.files.map((f) => [path.basename(f.path), f.kind, f.hunks.length]),
    );
    assert.ok(state.painted[target], 'the open editor is still decorated');
  });

  it('Accept All clears the decorations and the Changes list', async () => {
    await vscode.commands.executeCommand('codex.acceptAllChanges');
    const state = await waitFor(async () => {
      const s = await inspect();
      return s.files.length === 0 && Object.keys(s.painted).length === 0 ? s : undefined;
    }, 5_000, 'decorations to clear');
    assert.deepEqual(state.turns, []);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(target));
    assert.equal(lenses.filter((l) => l.command?.command.startsWith('codex.diff.')).length, 0);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === target);
    assert.ok(document?.getText().includes('inserted by codex'), 'accepting keeps the agent text in the editor');
    // The undo above left the editor dirty, so a save may be rewriting the file right now: poll, don't race it.
    await waitFor(() => fs.readFileSync(target, 'utf8').includes('inserted by codex'), 5_000, 'the agent text to stay on disk');
    assert.ok(fs.existsSync(workspaceFile('review', 'added.txt')));
  });

  it('Reject All puts back a renamed, an added, a deleted and a modified file; Reject File works on one', async () => {
    const dir = workspaceFile('review2');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'alpha\nbeta\ngamma\n');
    fs.writeFileSync(path.join(dir, 'old-name.txt'), 'rename me\n');
    fs.writeFileSync(path.join(dir, 'remove-me.txt'), 'precious\n');
    fs.writeFileSync(path.join(dir, 'single.txt'), 'one file alone\n');
    const patch = [
      '*** Begin Patch',
      '*** Update File: review2/keep.txt',
      '@@',
      ' alpha',
      '-beta',
      '+BETA',
      ' gamma',
      '*** Update File: review2/old-name.txt',
      '*** Move to: review2/nested/new-name.txt',
      '@@',
      '-rename me',
      '+renamed',
      '*** Add File: review2/fresh/created.txt',
      '+created by codex',
      '*** Delete File: review2/remove-me.txt',
      '*** Update File: review2/single.txt',
      '@@',
      '-one file alone',
      '+one file changed',
      '*** End Patch',
    ].join('\n');
    model.enqueue(reply.call('exec_command', { cmd: `apply_patch <<'EOF'\n${patch}\nEOF\n` }), reply.text('Reorganised.'));
    await services.chat.sendPrompt('Reorganise review2');
    const state = await waitFor(async () => {
      const s = await inspect();
      return s.files.length === 5 ? s : undefined;
    }, 60_000, 'the five changed files');
    assert.deepEqual(
      state.files.map((f) => [path.relative(dir, f.path), f.kind]).sort(),
      [
        ['fresh/created.txt', 'added'],
        ['keep.txt', 'modified'],
        ['nested/new-name.txt', 'renamed'],
        ['remove-me.txt', 'deleted'],
        ['single.txt', 'modified'],
      ],
    );

    await vscode.commands.executeCommand('codex.diff.rejectFile', path.join(dir, 'single.txt'));
    assert.equal(fs.readFileSync(path.join(dir, 'single.txt'), 'utf8'), 'one file alone\n');
    assert.equal((await inspect()).files.length, 4);

    await vscode.commands.executeCommand('codex.rejectAllChanges');
    assert.equal(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'alpha\nbeta\ngamma\n');
    assert.equal(fs.readFileSync(path.join(dir, 'old-name.txt'), 'utf8'), 'rename me\n');
    assert.equal(fs.existsSync(path.join(dir, 'nested', 'new-name.txt')), false);
    assert.equal(fs.existsSync(path.join(dir, 'fresh', 'created.txt')), false);
    assert.equal(fs.readFileSync(path.join(dir, 'remove-me.txt'), 'utf8'), 'precious\n');
    assert.deepEqual((await inspect()).files, []);
  });
});
