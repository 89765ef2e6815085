/**
 * Code review from the chat (/review) and the palette: pick a target
 * (uncommitted changes, a branch from `git branch`, a commit from the recent
 * log, or custom instructions), start `review/start` on the chat's thread,
 * and show the findings in the editor (ReviewComments) with Fix and Dismiss.
 */
import * as vscode from 'vscode';
import type { ReviewTarget } from '../../protocol/review';
import type { ExtensionServices } from '../services';
import { listBranches, listCommits } from './gitPicks';
import { fixPrompt } from './fixPrompt';
import { ReviewComments } from './reviewComments';


function workspaceCwd(): string {
  const folder = vscode.window.activeTextEditor ? vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri) : undefined;
  const cwd = (folder ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath;
  if (!cwd) throw new Error('Open a folder to review its code.');
  return cwd;
}

async function pickBranch(): Promise<ReviewTarget | undefined> {
  const branches = await listBranches(workspaceCwd());
  const others = branches.filter((b) => !b.current);
  if (!others.length) throw new Error('There is no other branch to review against (git branch lists only the current one).');
  const picked = await vscode.window.showQuickPick(
    others.map((b) => ({ label: b.name })),
    { title: 'Codex: Review Against Branch', placeHolder: 'Base branch to compare the current branch with' },
  );
  return picked && { type: 'baseBranch', branch: picked.label };
}

async function pickCommit(): Promise<ReviewTarget | undefined> {
  const commits = await listCommits(workspaceCwd());
  if (!commits.length) throw new Error('This repository has no commits yet.');
  const picked = await vscode.window.showQuickPick(
    commits.map((c) => ({ label: c.subject || c.sha.slice(0, 7), description: c.sha.slice(0, 7), detail: `${c.author}, ${c.date}`, sha: c.sha })),
    { title: 'Codex: Review Commit', placeHolder: 'Commit to review', matchOnDescription: true },
  );
  return picked && { type: 'commit', sha: picked.sha, title: picked.label };
}

async function askInstructions(initial = ''): Promise<ReviewTarget | undefined> {
  const instructions = await vscode.window.showInputBox({ title: 'Codex: Review with Instructions', prompt: 'What should the review look at?', value: initial });
  return instructions?.trim() ? { type: 'custom', instructions: instructions.trim() } : undefined;
}

/** The /review target chooser; an argument ("uncommitted", "branch [name]", "commit [sha]" or any text) skips it. */
async function chooseTarget(args: string): Promise<ReviewTarget | undefined> {
  const [word, ...rest] = args.trim().split(/\s+/);
  const value = rest.join(' ');
  if (word === 'uncommitted') return { type: 'uncommittedChanges' };
  if (word === 'branch') return value ? { type: 'baseBranch', branch: value } : pickBranch();
  if (word === 'commit') return value ? { type: 'commit', sha: value, title: null } : pickCommit();
  if (args.trim()) return { type: 'custom', instructions: args.trim() };
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'Uncommitted changes', description: 'staged, unstaged and new files', id: 'uncommitted' },
      { label: 'Against a branch…', description: 'what this branch changes', id: 'branch' },
      { label: 'A commit…', description: 'from the recent log', id: 'commit' },
      { label: 'Custom instructions…', description: 'say what to look at', id: 'custom' },
    ],
    { title: 'Codex: Review', placeHolder: 'What should Codex review?' },
  );
  if (!choice) return undefined;
  if (choice.id === 'uncommitted') return { type: 'uncommittedChanges' };
  if (choice.id === 'branch') return pickBranch();
  if (choice.id === 'commit') return pickCommit();
  return askInstructions();
}

/** Starts the review on the chat's thread (a new one if none) and shows the chat. */
async function startReview(services: ExtensionServices, target: ReviewTarget | undefined): Promise<void> {
  if (!target) return;
  const { chat, client } = services;
  const threadId = await chat.ensureThread();
  await chat.reveal(true);
  await client.request('review/start', { threadId, target });
}

export function registerReview(services: ExtensionServices): ReviewComments {
  const comments = new ReviewComments(services);
  const guarded = (run: (...args: any[]) => Promise<unknown>) => async (...args: any[]) => {
    try {
      await run(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(`Codex review: ${(error as Error).message}`);
    }
  };
  const findingOf = (thread: vscode.CommentThread | undefined) => (thread ? comments.findingOf(thread) : undefined);
  services.context.subscriptions.push(
    comments,
    vscode.commands.registerCommand('codex.review', guarded(async (args?: string) => startReview(services, await chooseTarget(typeof args === 'string' ? args : '')))),
    vscode.commands.registerCommand('codex.reviewUncommitted', guarded(() => startReview(services, { type: 'uncommittedChanges' }))),
    vscode.commands.registerCommand('codex.reviewAgainstBranch', guarded(async () => startReview(services, await pickBranch()))),
    vscode.commands.registerCommand('codex.reviewCommit', guarded(async () => startReview(services, await pickCommit()))),
    vscode.commands.registerCommand('codex.reviewWithInstructions', guarded(async () => startReview(services, await askInstructions()))),
    vscode.commands.registerCommand('codex.review.openLocation', guarded(async (file: string, startLine: number, endLine: number) => {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const start = Math.max(0, startLine - 1);
      const end = Math.min(document.lineCount - 1, Math.max(start, endLine - 1));
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, 0, end, document.lineAt(end).text.length), preview: false, preserveFocus: true });
    })),
    vscode.commands.registerCommand('codex.review.fix', guarded(async (thread?: vscode.CommentThread) => {
      const shown = findingOf(thread);
      if (!shown) throw new Error('This finding is no longer shown.');
      await services.chat.sendPrompt(fixPrompt(shown.finding));
    })),
    vscode.commands.registerCommand('codex.review.dismiss', guarded(async (thread?: vscode.CommentThread) => {
      const shown = findingOf(thread);
      if (shown) await comments.dismiss(shown);
    })),
  );
  return comments;
}
