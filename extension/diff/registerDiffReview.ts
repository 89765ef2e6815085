/**
 * Inline review of the agent's edits: live decorations and Accept/Reject
 * CodeLens in open editors, the Changes view, per-file and per-turn Accept
 * All / Reject All, and "Open Diff" against a read-only baseline document.
 * Nothing here steals focus: editors are only opened by explicit commands,
 * and diffs open with `preserveFocus: true`.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { guarded } from '../commands/guardedCommands';
import { BASELINE_SCHEME, BaselineDocumentProvider, baselineUri } from './baselineDocuments';
import { ChangedFileItem, ChangesTreeProvider } from './changesTree';
import { HunkCodeLensProvider } from './codeLens';
import { reviewKind } from './core/reviewStore';
import { DiffDecorations } from './decorations';
import { ReviewController } from './reviewController';
import { changesBadgeTooltip } from '../status/badgeText';
import { registerReviewNavigation } from './reviewNavigation';

/** Turns a command argument (path, URI string, Uri, Changes item, nothing) into a review key. */
function keyFrom(arg: unknown): string | undefined {
  if (arg instanceof ChangedFileItem) return arg.key;
  if (arg instanceof vscode.Uri) return arg.scheme === BASELINE_SCHEME ? vscode.Uri.file(arg.path).fsPath : arg.fsPath;
  if (typeof arg === 'string') {
    if (/^[a-z][\w+.-]*:\/\//i.test(arg)) return vscode.Uri.parse(arg).fsPath;
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return path.isAbsolute(arg) || !root ? path.resolve(arg) : path.join(root, arg);
  }
  if (arg && typeof arg === 'object' && typeof (arg as { key?: unknown }).key === 'string') return (arg as { key: string }).key;
  const active = vscode.window.activeTextEditor?.document.uri;
  return active?.scheme === 'file' ? active.fsPath : undefined;
}

export function registerDiffReview(services: ExtensionServices): ReviewController {
  const { context } = services;
  const enabled = () => vscode.workspace.getConfiguration('codex').get<boolean>('diffDecorations', true);
  const review = new ReviewController(services);
  const baselines = new BaselineDocumentProvider(review);
  const decorations = new DiffDecorations(review, enabled);
  const codeLens = new HunkCodeLensProvider(review, enabled);
  const changes = new ChangesTreeProvider(review);
  const changesView = vscode.window.createTreeView('codex.changes', { treeDataProvider: changes });

  const updateContext = () => {
    void vscode.commands.executeCommand('setContext', 'codex.hasTurnChanges', !review.store.isEmpty);
    const active = vscode.window.activeTextEditor?.document.uri;
    const activeHasChanges = active?.scheme === 'file' && Boolean(review.store.get(active.fsPath));
    void vscode.commands.executeCommand('setContext', 'codex.activeEditorHasChanges', activeHasChanges);
    const count = review.store.list().length;
    changesView.badge = count ? { value: count, tooltip: changesBadgeTooltip(count) } : undefined;
  };

  const openFileDiff = async (arg: unknown) => {
    const key = keyFrom(arg);
    if (!key) return;
    const file = review.store.get(key);
    if (!file) {
      void vscode.window.showInformationMessage(`Codex: no pending changes in ${path.basename(key)}.`);
      return;
    }
    const kind = reviewKind(file);
    const left = baselineUri(kind === 'renamed' ? (file.oldPath ?? key) : key, kind === 'added');
    const right = kind === 'deleted' ? baselineUri(key, true) : vscode.Uri.file(key);
    const title = `${path.basename(key)} (${kind === 'added' ? 'new' : kind === 'deleted' ? 'deleted' : 'before'} ↔ Codex)`;
    // Beside the editor the user is in, which keeps both its focus and its place.
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preserveFocus: true, preview: true, viewColumn: vscode.ViewColumn.Beside });
  };

  context.subscriptions.push(
    review,
    registerReviewNavigation(review),
    baselines,
    decorations,
    codeLens,
    changes,
    changesView,
    vscode.workspace.registerTextDocumentContentProvider(BASELINE_SCHEME, baselines),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    review.onDidChange(updateContext),
    vscode.window.onDidChangeActiveTextEditor(updateContext),
    vscode.commands.registerCommand(
      'codex.diff.acceptHunk',
      guarded((uri: string, hunkId: string) => review.acceptHunk(keyFrom(uri)!, hunkId)),
    ),
    vscode.commands.registerCommand(
      'codex.diff.rejectHunk',
      guarded((uri: string, hunkId: string) => review.rejectHunk(keyFrom(uri)!, hunkId)),
    ),
    vscode.commands.registerCommand(
      'codex.diff.acceptFile',
      guarded((arg?: unknown) => {
        const key = keyFrom(arg);
        return key ? review.acceptFile(key) : false;
      }),
    ),
    vscode.commands.registerCommand(
      'codex.diff.rejectFile',
      guarded(async (arg?: unknown) => {
        const key = keyFrom(arg);
        return key ? review.rejectFile(key) : false;
      }),
    ),
    vscode.commands.registerCommand('codex.diff.openFileDiff', guarded(openFileDiff)),
    vscode.commands.registerCommand('codex.acceptAllChanges', guarded(() => review.acceptAll())),
    vscode.commands.registerCommand(
      'codex.rejectAllChanges',
      guarded(async () => {
        const failures = await review.rejectAll();
        if (failures.length) throw new Error(`some files could not be restored: ${failures.join('; ')}`);
      }),
    ),
    vscode.commands.registerCommand(
      'codex.openTurnDiff',
      guarded(async () => {
        const files = review.store.list();
        if (!files.length) {
          void vscode.window.showInformationMessage('Codex: no pending changes.');
          return;
        }
        const resources = files.map((file) => {
          const kind = reviewKind(file);
          const left = baselineUri(kind === 'renamed' ? (file.oldPath ?? file.key) : file.key, kind === 'added');
          const right = kind === 'deleted' ? baselineUri(file.key, true) : vscode.Uri.file(file.key);
          return [vscode.Uri.file(file.key), left, right];
        });
        try {
          await vscode.commands.executeCommand('vscode.changes', 'Codex: changes of the turn', resources);
        } catch {
          await openFileDiff(files[0].key);
        }
      }),
    ),
    // Internal (not in the manifest): what is under review and what was painted, for tests and diagnostics.
    vscode.commands.registerCommand('codex.diff.inspect', () => ({
      files: review.store.list().map((file) => ({
        path: file.key,
        oldPath: file.oldPath,
        kind: reviewKind(file),
        counts: review.store.counts(file.key, review.liveText(file.key)),
        hunks: review.hunks(file.key).map((h) => ({ id: h.id, kind: h.kind, liveStart: h.liveStart, liveEnd: h.liveEnd, baseLines: h.baseLines })),
      })),
      painted: Object.fromEntries(decorations.painted),
      turns: [...review.store.turns],
      lastRestore: review.lastRestore,
    })),
  );
  updateContext();
  return review;
}
