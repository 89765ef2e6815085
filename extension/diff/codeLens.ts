/** "Accept" / "Reject" CodeLens above each of the agent's hunks. */
import * as vscode from 'vscode';
import type { ReviewController } from './reviewController';

export class HunkCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly review: ReviewController,
    private readonly enabled: () => boolean,
  ) {
    this.subscription = review.onDidChange(() => this.changeEmitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file' || !this.enabled()) return [];
    const key = document.uri.fsPath;
    if (!this.review.store.get(key)) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const hunk of this.review.store.hunks(key, document.getText())) {
      const line = Math.max(0, Math.min(hunk.liveStart, document.lineCount - 1));
      const range = new vscode.Range(line, 0, line, 0);
      const removed = hunk.baseLines.length;
      const added = hunk.liveEnd - hunk.liveStart;
      const args = [document.uri.toString(), hunk.id];
      lenses.push(
        new vscode.CodeLens(range, { title: '$(check) Accept', command: 'codex.diff.acceptHunk', arguments: args, tooltip: 'Keep this change' }),
        new vscode.CodeLens(range, { title: '$(discard) Reject', command: 'codex.diff.rejectHunk', arguments: args, tooltip: 'Put back the lines from before the turn' }),
        new vscode.CodeLens(range, { title: `Codex: +${added} −${removed}`, command: 'codex.diff.openFileDiff', arguments: [key], tooltip: 'Open the diff' }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
