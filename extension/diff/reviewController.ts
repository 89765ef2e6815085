/**
 * Owns the review: feeds `turn/diff/updated` into the ReviewStore, rebuilds
 * it from `thread/read` when the server (re)connects, and performs Accept and
 * Reject on files through WorkspaceEdits (so undo works). It never opens or
 * focuses an editor: documents are loaded with openTextDocument only.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { ServerNotifications, Thread, FileUpdateChange } from '../../protocol';
import type { ExtensionServices } from '../services';
import { BaselineError, reconstructFromFileChanges } from './core/baseline';
import { diffPathResolver, findGitRoot, isInside, readTextFile } from './core/diffRoot';
import { minimalReplacement, type LiveHunk } from './core/hunks';
import { ReviewStore, reviewKind, type FileReview, type TurnRef } from './core/reviewStore';
import { countOf } from '../../shared/plural';

const STATE_KEY = 'codex.diffReview';

interface PersistedReview {
  turns: TurnRef[];
  accepted: string[];
}

/** A reject the user can undo: the review comes back when the document text does. */
interface UndoEntry {
  textBefore: string;
  reviewBefore: FileReview;
}

export class ReviewController implements vscode.Disposable {
  readonly store = new ReviewStore(readTextFile);
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires whenever the set of files or hunks under review may have changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly threadCwds = new Map<string, string>();
  private readonly acceptedKeys = new Set<string>();
  private readonly undoable = new Map<string, UndoEntry[]>();
  /** Roots writes may touch: workspace folders and the roots of the threads' diffs. */
  private readonly writableRoots = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];
  private everConnected = false;
  /** The last rebuild from `thread/read` (diagnostics and tests). */
  lastRestore: { threadId: string; rebuiltFiles: number; changedFiles: number; at: string } | undefined;

  constructor(private readonly services: ExtensionServices) {
    const { client } = services;
    this.disposables.push(
      this.changeEmitter,
      client.onNotification('turn/diff/updated', (params) => this.enqueue(() => this.onTurnDiff(params))),
      client.onDidChangeState((state) => {
        if (state !== 'connected') return;
        // After a restart (or a window reload) the server's history is the truth.
        if (this.everConnected || this.persisted().turns.length) void this.enqueue(() => this.restoreFromServer());
        this.everConnected = true;
      }),
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
    );
    if (client.state === 'connected') {
      this.everConnected = true;
      if (this.persisted().turns.length) void this.enqueue(() => this.restoreFromServer());
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Serializes updates: a diff arriving during a restore waits for it. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch((error: Error) => this.log(`error: ${error.message}`));
    return run;
  }

  private log(message: string): void {
    this.services.output.appendLine(`[diff] ${message}`);
  }

  private changed(): void {
    if (this.store.isEmpty) this.acceptedKeys.clear();
    void this.services.context.workspaceState.update(STATE_KEY, {
      turns: [...this.store.turns],
      accepted: [...this.acceptedKeys],
    } satisfies PersistedReview);
    this.changeEmitter.fire();
  }

  private persisted(): PersistedReview {
    return this.services.context.workspaceState.get<PersistedReview>(STATE_KEY) ?? { turns: [], accepted: [] };
  }

  /** The folder a thread runs in: from `thread/read`, else the first workspace folder. */
  private async cwdOf(threadId: string): Promise<string | undefined> {
    const known = this.threadCwds.get(threadId);
    if (known) return known;
    let cwd: string | undefined;
    try {
      const response = await this.services.client.request('thread/read', { threadId, includeTurns: false });
      cwd = response?.thread?.cwd || undefined;
    } catch (error) {
      this.log(`thread/read ${threadId} failed (${(error as Error).message}); using the workspace folder`);
    }
    cwd ??= vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (cwd) {
      this.threadCwds.set(threadId, cwd);
      this.writableRoots.add(findGitRoot(cwd) ?? cwd);
      this.writableRoots.add(cwd);
    }
    return cwd;
  }

  private async onTurnDiff(params: ServerNotifications['turn/diff/updated']): Promise<void> {
    if (!params || typeof params.diff !== 'string' || !params.threadId || !params.turnId) {
      this.log('ignored a malformed turn/diff/updated');
      return;
    }
    const cwd = await this.cwdOf(params.threadId);
    if (!cwd) {
      this.log('turn/diff/updated without a folder to resolve paths against');
      return;
    }
    const { changedKeys, errors } = this.store.applyTurnDiff({ threadId: params.threadId, turnId: params.turnId }, params.diff, diffPathResolver(cwd));
    for (const key of changedKeys) this.acceptedKeys.delete(key);
    for (const error of errors) this.log(error);
    this.changed();
  }

  /** Rebuilds the review of the remembered turns from `thread/read` (turn fileChange items). */
  async restoreFromServer(): Promise<void> {
    const refs = this.store.turns.length ? [...this.store.turns] : this.persisted().turns;
    if (!refs.length) return;
    if (this.store.isEmpty) for (const key of this.persisted().accepted) this.acceptedKeys.add(key);
    const byThread = new Map<string, TurnRef[]>();
    for (const ref of refs) byThread.set(ref.threadId, [...(byThread.get(ref.threadId) ?? []), ref]);
    for (const [threadId, threadRefs] of byThread) {
      let thread: Thread;
      try {
        ({ thread } = await this.services.client.request('thread/read', { threadId, includeTurns: true }));
      } catch (error) {
        this.log(`cannot restore the review of thread ${threadId}: ${(error as Error).message}`);
        continue;
      }
      if (thread?.cwd) {
        this.threadCwds.set(threadId, thread.cwd);
        this.writableRoots.add(findGitRoot(thread.cwd) ?? thread.cwd);
        this.writableRoots.add(thread.cwd);
      }
      const wanted = new Set(threadRefs.map((r) => r.turnId));
      const changes: FileUpdateChange[] = [];
      for (const turn of thread?.turns ?? []) {
        if (!wanted.has(turn.id)) continue;
        for (const item of turn.items ?? []) {
          if (item?.type === 'fileChange' && item.status !== 'failed' && item.status !== 'declined' && Array.isArray(item.changes)) changes.push(...item.changes);
        }
      }
      try {
        const problems: string[] = [];
        const states = reconstructFromFileChanges(changes, (p) => this.unsavedText(p) ?? readTextFile(p), problems);
        for (const problem of problems) this.log(`restore: ${problem}`);
        const restored = this.store.restore(threadRefs, states, this.acceptedKeys);
        this.lastRestore = { threadId, rebuiltFiles: states.length, changedFiles: restored.length, at: new Date().toISOString() };
        this.log(`rebuilt ${countOf(states.length, 'file')} of thread ${threadId} from thread/read, ${restored.length} changed`);
      } catch (error) {
        this.log(error instanceof BaselineError ? `cannot restore: ${error.message}` : `restore failed: ${(error as Error).message}`);
      }
    }
    this.changed();
  }

  /** An open document's text when it has unsaved changes (newer than the disk). */
  private unsavedText(filePath: string): string | undefined {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === filePath);
    return document?.isDirty ? document.getText() : undefined;
  }

  /** The text the user sees: the open document's, else the agent's. */
  liveText(key: string): string | undefined {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === key);
    return document?.getText();
  }

  hunks(key: string): LiveHunk[] {
    return this.store.hunks(key, this.liveText(key));
  }

  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (event.document.uri.scheme !== 'file' || event.contentChanges.length === 0) return;
    const key = event.document.uri.fsPath;
    const undo = this.undoable.get(key);
    if (undo?.length && event.reason === vscode.TextDocumentChangeReason.Undo) {
      const last = undo[undo.length - 1];
      if (event.document.getText() === last.textBefore) {
        undo.pop();
        this.store.put(last.reviewBefore);
        this.changed();
        return;
      }
    }
    if (this.store.get(key)) this.changeEmitter.fire();
  }

  private assertWritable(filePath: string): void {
    const roots = [...this.writableRoots, ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)];
    if (!roots.some((root) => isInside(root, filePath))) throw new Error(`refusing to write ${filePath}: outside the workspace`);
  }

  acceptHunk(key: string, hunkId: string): Promise<boolean> {
    return this.enqueue(async () => this.acceptHunkNow(key, hunkId));
  }

  rejectHunk(key: string, hunkId: string): Promise<boolean> {
    return this.enqueue(() => this.rejectHunkNow(key, hunkId));
  }

  acceptFile(key: string): Promise<boolean> {
    return this.enqueue(async () => this.acceptFileNow(key));
  }

  rejectFile(key: string): Promise<boolean> {
    return this.enqueue(() => this.rejectFileNow(key));
  }

  private acceptHunkNow(key: string, hunkId: string): boolean {
    const accepted = this.store.acceptHunk(key, hunkId, this.liveText(key));
    if (accepted && !this.store.get(key)) this.acceptedKeys.add(key);
    this.changed();
    return accepted;
  }

  /** Puts the hunk's base lines back through a WorkspaceEdit, then saves so the disk has them too. */
  private async rejectHunkNow(key: string, hunkId: string): Promise<boolean> {
    this.assertWritable(key);
    const file = this.store.get(key);
    const hunks = this.hunks(key);
    // Rejecting everything the agent wrote into a file it created removes the file.
    if (file && reviewKind(file) === 'added' && hunks.length === 1 && hunks[0].id === hunkId) return this.rejectFileNow(key);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(key));
    const textBefore = document.getText();
    const reviewBefore = this.store.snapshot(key);
    const result = this.store.rejectHunk(key, hunkId, textBefore);
    if (!result || !reviewBefore) return false;
    const replacement = minimalReplacement(textBefore, result.newLiveText);
    if (replacement) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(document.positionAt(replacement.start), document.positionAt(replacement.end)), replacement.text);
      if (!(await vscode.workspace.applyEdit(edit))) {
        this.store.put(reviewBefore);
        throw new Error(`could not edit ${key}`);
      }
      this.undoable.set(key, [...(this.undoable.get(key) ?? []), { textBefore, reviewBefore }]);
      await document.save();
    }
    this.changed();
    return true;
  }

  private acceptFileNow(key: string): boolean {
    const accepted = this.store.acceptFile(key);
    if (accepted) this.acceptedKeys.add(key);
    this.changed();
    return accepted;
  }

  /** Puts the whole file back as it was before the turn: content, existence and name. */
  private async rejectFileNow(key: string): Promise<boolean> {
    const reviewBefore = this.store.snapshot(key);
    const plan = this.store.rejectFile(key);
    if (!plan || !reviewBefore) return false;
    try {
      if (plan.restorePath) this.assertWritable(plan.restorePath);
      if (plan.removePath) this.assertWritable(plan.removePath);
      if (plan.restorePath && plan.content !== undefined && !plan.removePath && readTextFile(plan.restorePath) !== undefined) {
        // Same file still there: edit its content so undo works.
        const document = await vscode.workspace.openTextDocument(vscode.Uri.file(plan.restorePath));
        const textBefore = document.getText();
        const replacement = minimalReplacement(textBefore, plan.content);
        if (replacement) {
          const edit = new vscode.WorkspaceEdit();
          edit.replace(document.uri, new vscode.Range(document.positionAt(replacement.start), document.positionAt(replacement.end)), replacement.text);
          if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not edit ${plan.restorePath}`);
          this.undoable.set(key, [...(this.undoable.get(key) ?? []), { textBefore, reviewBefore }]);
          await document.save();
        }
      } else {
        const edit = new vscode.WorkspaceEdit();
        if (plan.restorePath && plan.content !== undefined) {
          edit.createFile(vscode.Uri.file(plan.restorePath), { overwrite: true, contents: Buffer.from(plan.content, 'utf8') });
        }
        if (plan.removePath) edit.deleteFile(vscode.Uri.file(plan.removePath), { ignoreIfNotExists: true });
        if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not restore ${plan.restorePath ?? plan.removePath}`);
      }
    } catch (error) {
      this.store.put(reviewBefore);
      this.changed();
      throw error;
    }
    this.changed();
    return true;
  }

  acceptAll(): Promise<void> {
    return this.enqueue(async () => {
      for (const file of this.store.list()) this.acceptFileNow(file.key);
    });
  }

  /** Rejects every file; returns the ones that could not be restored (they stay under review). */
  rejectAll(): Promise<string[]> {
    return this.enqueue(async () => {
      const failures: string[] = [];
      for (const file of this.store.list()) {
        try {
          await this.rejectFileNow(file.key);
        } catch (error) {
          failures.push(`${path.basename(file.key)}: ${(error as Error).message}`);
        }
      }
      return failures;
    });
  }
}
