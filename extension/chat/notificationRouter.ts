/**
 * Server notifications into the chat: streaming items, turn start and end,
 * errors and warnings, thread name, goal and token usage. Events of other
 * threads are ignored.
 */
import type { NotificationArgs, ThreadTokenUsage, Turn } from '../../protocol';
import type { ApprovalQueue } from './approvals';
import type { ElicitationQueue } from './elicitations';
import { turnErrorNoticeId, type Transcript } from './transcript';

/** What the router reads and changes in the chat (the controller gives it this view of itself). */
export interface NotificationTarget {
  readonly transcript: Transcript;
  readonly approvals: ApprovalQueue;
  /** MCP elicitations (tool approvals, servers' questions) waiting in the transcript. */
  readonly elicitations: ElicitationQueue;
  threadId(): string | undefined;
  turnId(): string | undefined;
  setTurn(turnId: string | undefined): void;
  /** A user message's turn (for "Undo to here"); the local echo of the prompt takes it when there is one. */
  rememberUserTurn(itemId: string, turnId: string): void;
  /** Whether a userMessage item is the echo of the prompt already shown locally; `completed` ends the echo. */
  isLocalEcho(completed: boolean): boolean;
  setThreadTitle(title: string | undefined): void;
  setTokenUsage(usage: ThreadTokenUsage | undefined): void;
  /** Skill files changed on disk (`skills/changed`): an open /skills list is refreshed. */
  skillsChanged(): void;
}

export function routeNotification(chat: NotificationTarget, ...[method, params]: NotificationArgs): void {
  // Events of other threads (sub-agents, other windows) do not belong in this chat.
  const threadId = params && (params as { threadId?: unknown }).threadId;
  if (typeof threadId === 'string' && threadId !== chat.threadId()) return;
  switch (method) {
    case 'skills/changed':
      chat.skillsChanged();
      return;
    case 'turn/started':
      // A review's sub-turn reports its root (the turn review/start returned, which turn/completed names).
      chat.setTurn(params.turn?.rootTurnId ?? params.turn?.id);
      return;
    case 'turn/completed': {
      const turn: Partial<Turn> = params.turn ?? {};
      chat.transcript.finishStreaming();
      // Same id as the `error` notification's notice: a failed turn shows its error once.
      if (turn.status === 'failed' && turn.error) chat.transcript.notice('error', turn.error.message, turnErrorNoticeId(String(turn.id)));
      else if (turn.status === 'interrupted') chat.transcript.notice('info', 'Turn interrupted.');
      chat.approvals.closeAll(turn.id);
      chat.elicitations.closeAll(turn.id);
      if (chat.turnId() === turn.id || !turn.id) chat.setTurn(undefined);
      return;
    }
    case 'item/started':
    case 'item/completed': {
      const item = params.item;
      if (!item) return;
      if (item.type === 'userMessage' && method === 'item/completed' && params.turnId) chat.rememberUserTurn(item.id, params.turnId);
      // Already shown from the composer (with its chips); the server's echo is dropped once.
      if (item.type === 'userMessage' && chat.isLocalEcho(method === 'item/completed')) return;
      chat.transcript.upsertItem(item, method === 'item/started');
      return;
    }
    case 'item/agentMessage/delta':
      chat.transcript.appendText(params.itemId, params.delta ?? '');
      return;
    case 'item/reasoning/summaryTextDelta':
      chat.transcript.appendSummary(params.itemId, params.summaryIndex ?? 0, params.delta ?? '');
      return;
    case 'item/reasoning/summaryPartAdded':
      chat.transcript.appendSummary(params.itemId, params.summaryIndex ?? 0, '');
      return;
    case 'item/commandExecution/outputDelta':
      chat.transcript.appendOutput(params.itemId, params.delta ?? '');
      return;
    case 'turn/plan/updated':
      chat.transcript.setPlan(params.turnId, params.explanation ?? null, params.plan ?? []);
      return;
    case 'error':
      if (params.willRetry) chat.transcript.notice('warning', `${params.error?.message ?? 'Error'} (retrying)`);
      else chat.transcript.notice('error', params.error?.message ?? 'Error', params.turnId ? turnErrorNoticeId(params.turnId) : undefined);
      return;
    case 'warning':
      chat.transcript.notice('warning', params.message);
      return;
    case 'configWarning':
      chat.transcript.notice('warning', [params.summary, params.details].filter(Boolean).join(': '));
      return;
    case 'deprecationNotice':
      chat.transcript.notice('info', params.summary);
      return;
    case 'thread/compacted':
      // The deprecated twin of the contextCompaction item (shown as "Context compacted"), which both servers send.
      return;
    case 'thread/name/updated':
      chat.setThreadTitle(params.threadName ?? undefined);
      return;
    case 'thread/tokenUsage/updated':
      chat.setTokenUsage(params.tokenUsage);
      return;
    case 'thread/goal/updated':
      if (params.goal?.objective) chat.transcript.notice('info', `Goal: ${params.goal.objective}`);
      return;
  }
}
