/**
 * Reads a rollout file back into a thread's state: its identity, settings,
 * turns with their items, model history, name, goal and token usage.
 *
 * Tolerant by design: a corrupt or truncated line (e.g. the last line after a
 * `kill -9`) is skipped and reported through `warnings`, never fatal. Files
 * written by the reference Codex CLI are understood too (its core-format
 * `item_completed` events and older `user_message`/`agent_message` events).
 */
import fs from 'node:fs';
import type { ResponseItem } from '../providers/modelClient';
import type { ThreadGoal, ThreadItem, ThreadTokenUsage, TokenUsageBreakdown, Turn, TurnStatus } from '../../protocol/items';
import { clipPreview, previewOfItem } from './preview';
import type { HistoryEntry, SessionMetaPayload } from './format';

export interface RolloutSettings {
  cwd?: string;
  model?: string;
  modelProvider?: string;
  reasoningEffort?: string | null;
  approvalPolicy?: unknown;
  approvalsReviewer?: unknown;
  sandboxPolicy?: unknown;
  baseInstructions?: string | null;
  developerInstructions?: string | null;
}

export interface ParsedRollout {
  meta: SessionMetaPayload | null;
  settings: RolloutSettings;
  turns: Turn[];
  history: HistoryEntry[];
  name: string | null;
  nameSeen: boolean;
  goal: ThreadGoal | null;
  tokenUsage: ThreadTokenUsage | null;
  preview: string;
  /** Seconds since the epoch of the last line with a valid timestamp. */
  lastTimestamp: number | null;
  /** One message per skipped line. */
  warnings: string[];
}

type Json = Record<string, any>;

/** Parses rollout text (the whole file). */
export function parseRolloutText(text: string, label = 'rollout'): ParsedRollout {
  const result: ParsedRollout = {
    meta: null,
    settings: {},
    turns: [],
    history: [],
    name: null,
    nameSeen: false,
    goal: null,
    tokenUsage: null,
    preview: '',
    lastTimestamp: null,
    warnings: [],
  };
  let current: Turn | null = null;
  // Items from older reference events, used only for turns without modern item events.
  const legacyItems = new Map<Turn, ThreadItem[]>();
  const modernItems = new Set<Turn>();
  let implicitCounter = 0;

  const openTurn = (id: string | null, startedAt: number | null): Turn => {
    const turnId = id ?? `${result.meta?.id ?? 'turn'}-implicit-${++implicitCounter}`;
    const turn: Turn = {
      id: turnId,
      rootTurnId: turnId,
      items: [],
      itemsView: 'full',
      status: 'inProgress',
      error: null,
      startedAt,
      completedAt: null,
      durationMs: null,
    };
    result.turns.push(turn);
    current = turn;
    return turn;
  };
  const turnFor = (turnId: unknown, at: number | null): Turn => {
    if (typeof turnId === 'string') {
      const found = result.turns.find((t) => t.id === turnId);
      if (found) return found;
      return openTurn(turnId, at);
    }
    return current ?? openTurn(null, at);
  };
  const addItem = (turn: Turn, item: ThreadItem) => {
    const index = turn.items.findIndex((existing) => existing.id === item.id);
    if (index >= 0) turn.items[index] = item;
    else turn.items.push(item);
    if (!result.preview) result.preview = previewOfItem(item);
  };

  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    let line: Json;
    try {
      line = JSON.parse(raw);
    } catch (error) {
      result.warnings.push(`${label}:${index + 1}: skipped corrupt line (${(error as Error).message})`);
      return;
    }
    if (!line || typeof line !== 'object' || typeof line.type !== 'string' || typeof line.payload !== 'object' || line.payload === null) {
      result.warnings.push(`${label}:${index + 1}: skipped line without type/payload`);
      return;
    }
    const at = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
    const atSeconds = Number.isFinite(at) ? Math.floor(at / 1000) : null;
    if (atSeconds !== null) result.lastTimestamp = atSeconds;
    const payload = line.payload as Json;

    switch (line.type) {
      case 'session_meta':
        // Forks written by the reference can repeat the source's meta; the first one is ours.
        if (!result.meta && typeof payload.id === 'string') result.meta = payload as SessionMetaPayload;
        if (payload.base_instructions?.text && result.settings.baseInstructions === undefined) {
          result.settings.baseInstructions = payload.base_instructions.text;
        }
        break;
      case 'turn_context':
        applyTurnContext(result.settings, payload);
        break;
      case 'response_item':
        result.history.push({ turnId: current?.id ?? null, item: payload as ResponseItem });
        break;
      case 'compacted':
        if (Array.isArray(payload.replacement_history)) {
          result.history = payload.replacement_history.map((item: ResponseItem) => ({ turnId: current?.id ?? null, item }));
        }
        break;
      case 'event_msg':
        handleEvent(payload);
        break;
      default:
        break; // other line types (world_state, token_usage_record…) carry nothing we restore
    }
  });

  function handleEvent(payload: Json): void {
    switch (payload.type) {
      case 'task_started':
      case 'turn_started': {
        const id = typeof payload.turn_id === 'string' ? payload.turn_id : null;
        const existing = id ? result.turns.find((t) => t.id === id) : undefined;
        if (existing) {
          current = existing;
        } else {
          const turn = openTurn(id, numberOrNull(payload.started_at));
          if (typeof payload.root_turn_id === 'string') turn.rootTurnId = payload.root_turn_id;
        }
        break;
      }
      case 'task_complete':
      case 'turn_complete': {
        const turn = turnFor(payload.turn_id, null);
        turn.status = isTurnStatus(payload.status) && payload.status !== 'inProgress' ? payload.status : 'completed';
        turn.error = payload.error && typeof payload.error.message === 'string' ? payload.error : null;
        turn.completedAt = numberOrNull(payload.completed_at);
        turn.durationMs = numberOrNull(payload.duration_ms);
        if (current === turn) current = null;
        break;
      }
      case 'turn_aborted': {
        const turn = turnFor(payload.turn_id, null);
        turn.status = 'interrupted';
        turn.completedAt = numberOrNull(payload.completed_at);
        turn.durationMs = numberOrNull(payload.duration_ms);
        if (current === turn) current = null;
        break;
      }
      case 'thread_item_completed':
        if (payload.item && typeof payload.item.type === 'string' && typeof payload.item.id === 'string') {
          const turn = turnFor(payload.turn_id, null);
          modernItems.add(turn);
          addItem(turn, payload.item as ThreadItem);
        }
        break;
      case 'item_completed': {
        const item = fromReferenceItem(payload.item, payload);
        if (item) {
          const turn = turnFor(payload.turn_id, null);
          modernItems.add(turn);
          addItem(turn, item);
        }
        break;
      }
      case 'user_message': {
        // Older reference rollouts: each user message starts a turn when no task_started was written.
        const turn = current ?? openTurn(null, null);
        const item: ThreadItem = {
          type: 'userMessage',
          id: `${turn.id}-user-${turn.items.length}`,
          clientId: null,
          content: [{ type: 'text', text: String(payload.message ?? ''), text_elements: [] }],
        };
        pushLegacy(turn, item);
        break;
      }
      case 'agent_message': {
        const turn = current ?? openTurn(null, null);
        pushLegacy(turn, agentMessage(`${turn.id}-agent-${turn.items.length}`, String(payload.message ?? '')));
        break;
      }
      case 'thread_rolled_back': {
        // thread/revert: the last `num_turns` turns leave the conversation (from `before_turn_id` when given).
        const from = typeof payload.before_turn_id === 'string' ? result.turns.findIndex((t) => t.id === payload.before_turn_id) : result.turns.length - Number(payload.num_turns ?? 0);
        if (from < 0 || from >= result.turns.length) break;
        const dropped = new Set(result.turns.splice(from).map((t) => t.id));
        result.history = result.history.filter((entry) => !entry.turnId || !dropped.has(entry.turnId));
        if (current && dropped.has(current.id)) current = null;
        break;
      }
      case 'thread_name_updated':
        result.name = typeof payload.thread_name === 'string' && payload.thread_name ? payload.thread_name : null;
        result.nameSeen = true;
        break;
      case 'thread_goal_updated':
        if (payload.goal && typeof payload.goal.objective === 'string') {
          result.goal = { tokenBudget: null, tokensUsed: 0, timeUsedSeconds: 0, ...payload.goal } as ThreadGoal;
        }
        break;
      case 'thread_goal_cleared':
        result.goal = null;
        break;
      case 'token_count':
        if (payload.info?.total_token_usage) {
          result.tokenUsage = {
            total: camelUsage(payload.info.total_token_usage),
            last: camelUsage(payload.info.last_token_usage ?? payload.info.total_token_usage),
            modelContextWindow: numberOrNull(payload.info.model_context_window),
          };
        }
        break;
      default:
        break;
    }
  }

  function pushLegacy(turn: Turn, item: ThreadItem): void {
    const list = legacyItems.get(turn) ?? [];
    list.push(item);
    legacyItems.set(turn, list);
  }

  for (const [turn, items] of legacyItems) {
    if (modernItems.has(turn)) continue;
    for (const item of items) addItem(turn, item);
  }
  // A turn still open at the end of the file was cut short (crash, kill): no process runs it now.
  for (const turn of result.turns) {
    if (turn.status === 'inProgress') turn.status = 'interrupted';
  }
  if (!result.preview && result.meta) {
    // Injected context (environment in tags, AGENTS.md instructions) is not what the user typed.
    const injected = (text: string) => text.startsWith('<') || text.startsWith('# AGENTS.md instructions');
    const firstUser = result.history.find(
      (entry) => entry.item.type === 'message' && entry.item.role === 'user' && !injected(textOfContent(entry.item.content)),
    );
    if (firstUser) result.preview = clipPreview(textOfContent(firstUser.item.content));
  }
  return result;
}

/** Reads and parses a rollout file. Throws only if the file cannot be read. */
export function readRollout(filePath: string): ParsedRollout {
  return parseRolloutText(fs.readFileSync(filePath, 'utf8'), filePath);
}

function applyTurnContext(settings: RolloutSettings, payload: Json): void {
  if (typeof payload.cwd === 'string') settings.cwd = payload.cwd;
  if (typeof payload.model === 'string') settings.model = payload.model;
  if (typeof payload.model_provider === 'string') settings.modelProvider = payload.model_provider;
  if ('effort' in payload) settings.reasoningEffort = payload.effort ?? null;
  if (payload.approval_policy !== undefined) settings.approvalPolicy = payload.approval_policy;
  if (payload.approvals_reviewer !== undefined) settings.approvalsReviewer = payload.approvals_reviewer;
  if (payload.sandbox_policy !== undefined) settings.sandboxPolicy = payload.sandbox_policy;
  if ('base_instructions' in payload) settings.baseInstructions = payload.base_instructions ?? null;
  if ('developer_instructions' in payload) settings.developerInstructions = payload.developer_instructions ?? null;
}

function agentMessage(id: string, text: string): ThreadItem {
  return { type: 'agentMessage', id, text, phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null };
}

function textOfContent(content: unknown): string {
  if (!Array.isArray(content)) return typeof content === 'string' ? content : '';
  return content
    .map((part) => (part && typeof part.text === 'string' ? part.text : ''))
    .join(' ')
    .trim();
}

/** Converts the reference's core-format turn item (PascalCase types) to a protocol ThreadItem. */
function fromReferenceItem(item: Json | undefined, event: Json): ThreadItem | null {
  if (!item || typeof item.type !== 'string' || typeof item.id !== 'string') return null;
  const times = {
    startedAtMs: numberOrNull(event.started_at_ms) ?? undefined,
    completedAtMs: numberOrNull(event.completed_at_ms) ?? undefined,
  };
  const clean = <T extends object>(value: T): T => {
    for (const [key, v] of Object.entries(times)) if (v !== undefined) (value as Json)[key] = v;
    return value;
  };
  switch (item.type) {
    case 'UserMessage':
      return clean({
        type: 'userMessage',
        id: item.id,
        clientId: null,
        content: Array.isArray(item.content) ? item.content.filter((part: Json) => part && typeof part.type === 'string') : [],
      } as ThreadItem);
    case 'AgentMessage':
      return clean({ ...(agentMessage(item.id, textOfContent(item.content)) as object), phase: item.phase ?? null } as ThreadItem);
    case 'Reasoning':
      return clean({
        type: 'reasoning',
        id: item.id,
        summary: Array.isArray(item.summary_text) ? item.summary_text.map(String) : [],
        content: Array.isArray(item.raw_content) ? item.raw_content.map(String) : [],
      } as ThreadItem);
    case 'Plan':
      return clean({ type: 'plan', id: item.id, text: String(item.text ?? '') } as ThreadItem);
    case 'ContextCompaction':
      return clean({ type: 'contextCompaction', id: item.id } as ThreadItem);
    default:
      return null; // tool items from the reference are not restored (shown through history only)
  }
}

function camelUsage(u: Json): TokenUsageBreakdown {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    totalTokens: n(u?.total_tokens),
    inputTokens: n(u?.input_tokens),
    cachedInputTokens: n(u?.cached_input_tokens),
    cacheWriteInputTokens: n(u?.cache_write_input_tokens),
    outputTokens: n(u?.output_tokens),
    reasoningOutputTokens: n(u?.reasoning_output_tokens),
  };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isTurnStatus(value: unknown): value is TurnStatus {
  return value === 'completed' || value === 'interrupted' || value === 'failed' || value === 'inProgress';
}
