/**
 * "Review changes" and next/previous-hunk navigation across the files the
 * agent changed: opens the file at the hunk, so the Accept/Reject CodeLens is
 * right there without the user hunting for the file.
 */
import * as vscode from 'vscode';
import { guarded } from '../commands/guardedCommands';
import { adjacentHunk, firstHunk, type FileHunkLines, type HunkLocation } from './core/hunkNavigation';
import type { ReviewController } from './reviewController';

function filesWithHunks(review: ReviewController): FileHunkLines[] {
  return review.store
    .list()
    .map((file) => ({ key: file.key, lines: review.hunks(file.key).map((hunk) => hunk.liveStart) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

async function reveal(target: HunkLocation | undefined): Promise<void> {
  if (!target) {
    void vscode.window.showInformationMessage('Codex: no changes wait for review.');
    return;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(target.key));
  const line = Math.max(0, Math.min(target.line, document.lineCount - 1));
  const position = new vscode.Position(line, 0);
  const editor = await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: false, preserveFocus: true });
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function cursor(): HunkLocation | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.uri.scheme !== 'file') return undefined;
  return { key: editor.document.uri.fsPath, line: editor.selection.active.line };
}

export function registerReviewNavigation(review: ReviewController): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('codex.review.start', guarded(() => reveal(firstHunk(filesWithHunks(review))))),
    vscode.commands.registerCommand('codex.review.nextHunk', guarded(() => reveal(adjacentHunk(filesWithHunks(review), cursor(), 1)))),
    vscode.commands.registerCommand('codex.review.previousHunk', guarded(() => reveal(adjacentHunk(filesWithHunks(review), cursor(), -1)))),
  );
}
