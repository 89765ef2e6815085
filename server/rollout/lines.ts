/** Rollout lines as a loaded thread writes them: the JSONL envelope, token counts and whole-turn snapshots. */
import type { ThreadGoal, ThreadTokenUsage, TokenUsageBreakdown, Turn } from '../../protocol/items';
import type { HistoryEntry, SessionMetaPayload } from './format';

export function serializeLine(type: string, payload: object, timestamp = new Date()): string {
  return JSON.stringify({ timestamp: timestamp.toISOString(), type, payload });
}

export function snakeUsage(u: TokenUsageBreakdown) {
  return {
    input_tokens: u.inputTokens,
    cached_input_tokens: u.cachedInputTokens,
    cache_write_input_tokens: u.cacheWriteInputTokens,
    output_tokens: u.outputTokens,
    reasoning_output_tokens: u.reasoningOutputTokens,
    total_tokens: u.totalTokens,
  };
}

/** Rollout lines that recreate one turn (used when a fork or resume snapshot is written). */
function snapshotTurn(turn: Turn, history: HistoryEntry[]): { type: string; payload: object; timestamp?: Date }[] {
  const at = (seconds: number | null) => (seconds !== null ? new Date(seconds * 1000) : undefined);
  const lines: { type: string; payload: object; timestamp?: Date }[] = [
    { type: 'event_msg', payload: { type: 'task_started', turn_id: turn.id, root_turn_id: turn.rootTurnId, started_at: turn.startedAt }, timestamp: at(turn.startedAt) },
  ];
  for (const entry of history) if (entry.turnId === turn.id) lines.push({ type: 'response_item', payload: entry.item });
  for (const item of turn.items) lines.push({ type: 'event_msg', payload: { type: 'thread_item_completed', turn_id: turn.id, item } });
  if (turn.status !== 'inProgress') {
    lines.push({
      type: 'event_msg',
      payload: { type: 'task_complete', turn_id: turn.id, status: turn.status, error: turn.error, completed_at: turn.completedAt, duration_ms: turn.durationMs },
      timestamp: at(turn.completedAt),
    });
  }
  return lines;
}

/** Rollout lines that create a thread's file with all it holds already (session_meta first, e.g. a fork's copied turns). */
export function snapshotThread(thread: {
  meta: SessionMetaPayload;
  goal: ThreadGoal | null;
  name: string | null;
  turns: Turn[];
  history: HistoryEntry[];
  tokenUsage: ThreadTokenUsage | null;
}): { type: string; payload: object; timestamp?: Date }[] {
  const lines: { type: string; payload: object; timestamp?: Date }[] = [{ type: 'session_meta', payload: thread.meta }];
  if (thread.goal) lines.push({ type: 'event_msg', payload: { type: 'thread_goal_updated', goal: thread.goal } });
  if (thread.name) lines.push({ type: 'event_msg', payload: { type: 'thread_name_updated', thread_id: thread.meta.id, thread_name: thread.name } });
  for (const turn of thread.turns) lines.push(...snapshotTurn(turn, thread.history));
  const orphanHistory = thread.history.filter((entry) => !entry.turnId || !thread.turns.some((t) => t.id === entry.turnId));
  for (const entry of orphanHistory) lines.push({ type: 'response_item', payload: entry.item });
  if (thread.tokenUsage) {
    lines.push({
      type: 'event_msg',
      payload: {
        type: 'token_count',
        info: {
          total_token_usage: snakeUsage(thread.tokenUsage.total),
          last_token_usage: snakeUsage(thread.tokenUsage.last),
          model_context_window: thread.tokenUsage.modelContextWindow,
        },
      },
    });
  }
  return lines;
}
