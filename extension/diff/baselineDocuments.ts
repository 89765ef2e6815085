/**
 * Read-only virtual documents holding each file's review base, for the left
 * side of `vscode.diff`. Scheme `codex-baseline`; the path is the file's
 * absolute path; `?empty` gives an empty document (the missing side of an
 * added or deleted file).
 */
import * as vscode from 'vscode';
import type { ReviewController } from './reviewController';

export const BASELINE_SCHEME = 'codex-baseline';

export function baselineUri(filePath: string, empty = false): vscode.Uri {
  return vscode.Uri.from({ scheme: BASELINE_SCHEME, path: vscode.Uri.file(filePath).path, query: empty ? 'empty' : '' });
}

export class BaselineDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly served = new Map<string, vscode.Uri>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly review: ReviewController) {
    // Accepting hunks moves the base: refresh any baseline document on screen.
    this.subscription = review.onDidChange(() => {
      for (const uri of this.served.values()) this.changeEmitter.fire(uri);
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    this.served.set(uri.toString(), uri);
    if (uri.query === 'empty') return '';
    const key = vscode.Uri.file(uri.path).fsPath;
    const file = this.review.store.get(key);
    if (file) return file.reviewBase ?? '';
    // No longer under review (accepted or rejected): the file as it is now.
    return this.review.liveText(key) ?? '';
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
