/** The "Changes" view: every file under review with its +/- line counts. */
import path from 'node:path';
import * as vscode from 'vscode';
import { reviewKind, type FileReview } from './core/reviewStore';
import type { ReviewController } from './reviewController';
import { displayPath } from '../../shared/displayPath';

export class ChangedFileItem extends vscode.TreeItem {
  constructor(
    readonly key: string,
    file: FileReview,
    counts: { added: number; removed: number },
    workspaceRoots: readonly string[],
  ) {
    const shown = displayPath(key, workspaceRoots);
    super(shown.name, vscode.TreeItemCollapsibleState.None);
    const kind = reviewKind(file);
    const note = kind === 'added' ? 'new' : kind === 'deleted' ? 'deleted' : kind === 'renamed' ? `from ${path.basename(file.oldPath ?? '')}` : '';
    // Name (the label), then the workspace-relative folder, as VS Code's own Source Control view does.
    this.description = [shown.folder, `+${counts.added} −${counts.removed}`, note].filter(Boolean).join('  ');
    this.tooltip = `${key}\n${kind}: +${counts.added} −${counts.removed}`;
    this.resourceUri = vscode.Uri.file(key);
    this.contextValue = 'changedFile';
    this.id = key;
    this.command = { command: 'codex.diff.openFileDiff', title: 'Open Diff', arguments: [key] };
  }
}

export class ChangesTreeProvider implements vscode.TreeDataProvider<ChangedFileItem>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly review: ReviewController) {
    this.subscription = review.onDidChange(() => this.changeEmitter.fire());
  }

  getTreeItem(item: ChangedFileItem): vscode.TreeItem {
    return item;
  }

  getChildren(parent?: ChangedFileItem): ChangedFileItem[] {
    if (parent) return [];
    const roots = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    return this.review.store.list().map((file) => new ChangedFileItem(file.key, file, this.review.store.counts(file.key, this.review.liveText(file.key)), roots));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
