/**
 * "Undo to here" on a user message: the thread is reverted to before that
 * message's turn (thread/revert, so the model never sees those turns again),
 * and, if the user agrees, the file changes those turns recorded are undone
 * in the workspace. Refuses the file part with the reason when a file changed
 * since; with a remote server the files are on the other machine, so only the
 * conversation is undone.
 */
import type { FileUpdateChange } from '../../protocol';
import type { HostToWebview } from '../../webview/protocol';
import type { ChatHost } from './chatHost';
import { applyFileUndo, planFileUndo } from './fileUndo';
import type { Transcript } from './transcript';

interface UndoDeps {
  request(method: string, params: unknown): Promise<any>;
  /** A modal question; resolves to the chosen label, or undefined when cancelled. */
  ask(message: string, detail: string, choices: string[]): Promise<string | undefined>;
  /** Files of a remote server are not on this machine. */
  remote: boolean;
}

type UndoOutcome = { done: false; reason?: string } | { done: true; filesRestored: number; note?: string };

export const UNDO_ALL = 'Undo Conversation and Files';
export const UNDO_CONVERSATION = 'Undo Conversation Only';

async function undoToHere(deps: UndoDeps, threadId: string, turnId: string): Promise<UndoOutcome> {
  const { thread } = await deps.request('thread/read', { threadId, includeTurns: true });
  const turns: any[] = thread.turns ?? [];
  const index = turns.findIndex((turn) => turn.id === turnId);
  if (index < 0) return { done: false, reason: 'That message is no longer in the thread.' };
  const reverted = turns.slice(index);
  const changes: FileUpdateChange[] = reverted.flatMap((turn) => (turn.items ?? []).filter((item: any) => item.type === 'fileChange' && item.status === 'completed').flatMap((item: any) => item.changes ?? []));
  const later = reverted.length - 1;
  const message = `Undo to here? This message${later ? ` and the ${later} turn${later === 1 ? '' : 's'} after it` : ''} leave the conversation.`;

  let choices = [UNDO_CONVERSATION];
  let detail = 'No file changes were recorded in these turns.';
  let plan: ReturnType<typeof planFileUndo> | undefined;
  if (changes.length && deps.remote) {
    detail = `These turns changed files on the remote server's machine; they cannot be undone from here.`;
  } else if (changes.length) {
    plan = planFileUndo(changes, thread.cwd);
    if (plan.conflicts.length) {
      detail = `The file changes cannot be undone because files changed since: ${plan.conflicts.join('; ')}.`;
    } else {
      const count = plan.writes.size;
      detail = `${count} file${count === 1 ? '' : 's'} can be put back as they were before this message: ${[...plan.writes.keys()].map((f) => f.slice(thread.cwd.length + 1)).join(', ')}.`;
      choices = [UNDO_ALL, UNDO_CONVERSATION];
    }
  }
  const choice = await deps.ask(message, detail, choices);
  if (!choice) return { done: false };
  await deps.request('thread/revert', { threadId, beforeTurnId: turnId });
  if (choice !== UNDO_ALL || !plan) return { done: true, filesRestored: 0, note: changes.length ? detail : undefined };
  // Planned again just before writing: a file may have changed while the question was open.
  const fresh = planFileUndo(changes, thread.cwd);
  if (fresh.conflicts.length) return { done: true, filesRestored: 0, note: `The conversation was undone, but not the files: ${fresh.conflicts.join('; ')}.` };
  applyFileUndo(fresh);
  return { done: true, filesRestored: fresh.writes.size };
}

/** What "Undo to here" needs of the chat (the controller gives it this view of itself). */
export interface UndoTarget {
  client: { request(method: any, params: any): Promise<any> };
  host: Pick<ChatHost, 'ask' | 'settings'>;
  transcript: Transcript;
  threadId: string | undefined;
  turnRunning: boolean;
  turnOf(entryId: string): string | undefined;
  reload(threadId: string): Promise<void>;
  postToView(message: HostToWebview): void;
}

/** "Undo to here" on the user entry `entryId`: asks, reverts, reloads, and gives the prompt back to the composer. */
export async function undoToEntry(chat: UndoTarget, entryId: string): Promise<void> {
  const threadId = chat.threadId;
  // A prompt sent here knows its turn; one loaded with the thread is found by its item id.
  const turnId = chat.turnOf(entryId) ?? (threadId ? await turnOfItem(chat, threadId, entryId) : undefined);
  if (!threadId || !turnId) {
    chat.transcript.notice('info', 'This message is still being sent; undo it once it has been received.');
    return;
  }
  if (chat.turnRunning) {
    chat.transcript.notice('info', 'Stop the running turn before undoing to an earlier message.');
    return;
  }
  const entry = chat.transcript.get(entryId);
  const text = entry?.kind === 'user' ? entry.text : '';
  const deps: UndoDeps = { request: (m, p) => chat.client.request(m, p), ask: (m, d, c) => chat.host.ask(m, d, c), remote: Boolean(chat.host.settings().remoteServer) };
  const outcome = await undoToHere(deps, threadId, turnId);
  if (!outcome.done) {
    if (outcome.reason) chat.transcript.notice('error', outcome.reason);
    return;
  }
  await chat.reload(threadId);
  // The undone prompt comes back into the composer, to edit and send again.
  if (text) chat.postToView({ type: 'restoreDraft', text });
  const files = outcome.filesRestored ? ` ${outcome.filesRestored} file${outcome.filesRestored === 1 ? '' : 's'} restored.` : '';
  chat.transcript.notice(outcome.note && !outcome.filesRestored ? 'warning' : 'info', `Undone to before that message.${files}${outcome.note ? ` ${outcome.note}` : ''}`);
}

async function turnOfItem(chat: UndoTarget, threadId: string, itemId: string): Promise<string | undefined> {
  const { thread } = await chat.client.request('thread/read', { threadId, includeTurns: true });
  return (thread.turns ?? []).find((turn: any) => (turn.items ?? []).some((item: any) => item.id === itemId))?.id;
}
