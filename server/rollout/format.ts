/**
 * The rollout file format: one JSON object per line, `{timestamp, type, payload}`,
 * the same envelope the reference Codex CLI writes, so sessions from either
 * tool can be listed and read by both. The first line is `session_meta`.
 *
 * Line types we write:
 * - `session_meta`   thread identity (id, cwd, source, provider, fork origin…)
 * - `turn_context`   settings in force for the following turns (model, policies)
 * - `response_item`  one model-conversation item (Responses API input item)
 * - `event_msg`      lifecycle events, `payload.type` being one of:
 *     `task_started`, `task_complete`, `turn_aborted` (turn boundaries),
 *     `thread_item_completed` (a completed protocol ThreadItem; ours),
 *     `item_completed` (the reference's core-format item; read only),
 *     `user_message` / `agent_message` (older reference items; read only),
 *     `thread_name_updated`, `thread_goal_updated`, `thread_goal_cleared`,
 *     `token_count`.
 */
import type { ResponseItem } from '../providers/modelClient';

/** A history item and the turn that produced it (for fork at `lastTurnId`). */
export interface HistoryEntry {
  turnId: string | null;
  item: ResponseItem;
}

export type RolloutLineType = 'session_meta' | 'turn_context' | 'response_item' | 'event_msg' | 'compacted';

export interface RolloutLine {
  timestamp: string;
  type: RolloutLineType | string;
  payload: Record<string, unknown>;
}

/** `session_meta` payload (snake_case, as the reference writes it). */
export interface SessionMetaPayload {
  id: string;
  session_id?: string;
  forked_from_id?: string | null;
  /** ISO timestamp of creation. */
  timestamp: string;
  cwd: string;
  originator: string;
  cli_version: string;
  source: unknown;
  model_provider?: string | null;
  /** Ours: the model chosen when the thread started (the reference keeps it in turn_context). */
  model?: string | null;
  reasoning_effort?: string | null;
  git?: { commit_hash?: string | null; branch?: string | null; repository_url?: string | null } | null;
}

/** Prefix and suffix of rollout file names: `rollout-2025-01-31T12-00-00-<uuid>.jsonl`. */
const ROLLOUT_PREFIX = 'rollout-';
export const ROLLOUT_SUFFIX = '.jsonl';

const UUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/** The thread id encoded at the end of a rollout file name, if any. */
export function threadIdFromFileName(fileName: string): string | null {
  if (!fileName.startsWith(ROLLOUT_PREFIX)) return null;
  const match = UUID_AT_END.exec(fileName);
  return match ? match[1].toLowerCase() : null;
}

/** `rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl`, local time like the reference. */
export function rolloutFileName(createdAt: Date, id: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${createdAt.getFullYear()}-${p(createdAt.getMonth() + 1)}-${p(createdAt.getDate())}T${p(createdAt.getHours())}-${p(createdAt.getMinutes())}-${p(createdAt.getSeconds())}`;
  return `${ROLLOUT_PREFIX}${stamp}-${id}${ROLLOUT_SUFFIX}`;
}

/** `YYYY/MM/DD` folder (under `sessions/`) for a thread created at that time. */
export function dateFolder(createdAt: Date): string[] {
  const p = (n: number) => String(n).padStart(2, '0');
  return [String(createdAt.getFullYear()), p(createdAt.getMonth() + 1), p(createdAt.getDate())];
}
