/**
 * The latest review's findings as VS Code comment threads on the lines they
 * are about, with the priority in the label and Fix / Dismiss actions. They
 * come from `exitedReviewMode` items: live, or read back from the thread
 * (`thread/read`) when the chat opens it, e.g. after a window reload.
 * A finding goes when dismissed (remembered per workspace) or when an edit
 * touches its lines.
 */
import * as vscode from 'vscode';
import type { ReviewFindingView } from '../../webview/protocol';
import type { ExtensionServices } from '../services';
import { parseReviewText, titleWithoutTag } from './parseReview';

const DISMISSED_KEY = 'codex.review.dismissed';
const PRIORITY_NAMES = ['P0 · must fix', 'P1 · urgent', 'P2 · normal', 'P3 · minor'];

interface ShownFinding {
  key: string;
  finding: ReviewFindingView;
  thread: vscode.CommentThread;
}

/** A finding's key: stable across reloads (the review item's id and the finding's place in it). */
const keyOf = (reviewItemId: string, index: number) => `${reviewItemId}#${index}`;

export class ReviewComments implements vscode.Disposable {
  private readonly controller: vscode.CommentController;
  private shown: ShownFinding[] = [];
  /** Bumped by every live review, so a slower read-back never replaces newer findings. */
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ExtensionServices) {
    this.controller = vscode.comments.createCommentController('codex-review', 'Codex Review');
    this.controller.options = { prompt: 'Findings are answered with Fix or Dismiss', placeHolder: '' };
    const { client, chat } = services;
    this.disposables.push(
      this.controller,
      client.onNotification('item/completed', (params) => {
        if (params?.item?.type === 'exitedReviewMode' && params.threadId === chat.currentThreadId) {
          this.generation++;
          this.show(params.item.id, params.item.review ?? '');
        }
      }),
      chat.onDidChangeThread((threadId) => void this.readBack(threadId)),
      // At activation (a window reload) the chat already names its thread but the server is still
      // starting: read the findings once it is connected (and again after a restart).
      client.onDidChangeState((state) => {
        if (state === 'connected') void this.readBack(chat.currentThreadId);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => this.onEdit(event)),
    );
    if (chat.currentThreadId && client.state === 'connected') void this.readBack(chat.currentThreadId);
  }

  /** The findings shown now (for tests and the commands). */
  get findings(): { key: string; path: string; startLine: number; endLine: number; label: string; title: string }[] {
    return this.shown.map(({ key, finding, thread }) => ({
      key,
      path: thread.uri.fsPath,
      startLine: thread.range ? thread.range.start.line + 1 : finding.startLine,
      endLine: thread.range ? thread.range.end.line + 1 : finding.endLine,
      label: thread.label ?? '',
      title: finding.title,
    }));
  }

  findingOf(thread: vscode.CommentThread): ShownFinding | undefined {
    return this.shown.find((shown) => shown.thread === thread);
  }

  /** Replaces the shown findings with those of one review (the latest). */
  show(reviewItemId: string, reviewText: string): void {
    this.clear();
    const dismissed = new Set(this.services.context.workspaceState.get<string[]>(DISMISSED_KEY, []));
    parseReviewText(reviewText).findings.forEach((finding, index) => {
      const key = keyOf(reviewItemId, index);
      if (dismissed.has(key)) return;
      const uri = vscode.Uri.file(finding.path);
      const start = Math.max(0, finding.startLine - 1);
      const end = Math.max(start, finding.endLine - 1);
      const thread = this.controller.createCommentThread(uri, new vscode.Range(start, 0, end, 0), [commentOf(finding)]);
      thread.label = `Codex review · ${finding.priority === null ? 'no priority' : PRIORITY_NAMES[finding.priority]}`;
      thread.contextValue = 'codexFinding';
      thread.canReply = false;
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      this.shown.push({ key, finding, thread });
    });
  }

  /** Removes one finding for good (Dismiss, or its lines changed). */
  async dismiss(shown: ShownFinding): Promise<void> {
    shown.thread.dispose();
    this.shown = this.shown.filter((s) => s !== shown);
    const dismissed = this.services.context.workspaceState.get<string[]>(DISMISSED_KEY, []);
    // Keep the list short: only the last few hundred dismissals matter.
    await this.services.context.workspaceState.update(DISMISSED_KEY, [...dismissed, shown.key].slice(-500));
  }

  clear(): void {
    for (const { thread } of this.shown) thread.dispose();
    this.shown = [];
  }

  dispose(): void {
    this.clear();
    for (const d of this.disposables) d.dispose();
  }

  /** After a reload (or switching threads): the thread's latest review, read back from the server. */
  private async readBack(threadId: string | undefined): Promise<void> {
    if (!threadId) return this.clear();
    const generation = this.generation;
    try {
      const response = await this.services.client.request('thread/read', { threadId, includeTurns: true });
      if (this.services.chat.currentThreadId !== threadId || this.generation !== generation) return;
      const items = (response?.thread?.turns ?? []).flatMap((turn: any) => turn.items ?? []);
      const latest = [...items].reverse().find((item: any) => item.type === 'exitedReviewMode');
      if (latest) this.show(latest.id, latest.review ?? '');
      else this.clear();
    } catch (error) {
      this.services.output.appendLine(`[review] could not read the findings of thread ${threadId}: ${(error as Error).message}`);
    }
  }

  private onEdit(event: vscode.TextDocumentChangeEvent): void {
    if (!event.contentChanges.length) return;
    for (const shown of [...this.shown]) {
      if (shown.thread.uri.toString() !== event.document.uri.toString() || !shown.thread.range) continue;
      const lines = shown.thread.range;
      const touched = event.contentChanges.some((change) => change.range.start.line <= lines.end.line && change.range.end.line >= lines.start.line);
      if (touched) void this.dismiss(shown);
    }
  }
}

function commentOf(finding: ReviewFindingView): vscode.Comment {
  const body = new vscode.MarkdownString(`**${titleWithoutTag(finding.title)}**\n\n${finding.body}`);
  body.supportHtml = false;
  body.isTrusted = false;
  return { body, mode: vscode.CommentMode.Preview, author: { name: 'Codex' }, contextValue: 'codexFinding' };
}
