/**
 * A thread loaded in memory: its settings, its turns and items, the model
 * conversation history, its subscribers, and its rollout file.
 *
 * HOW THE TURN ENGINE USES IT
 *
 *   const threads = threadManagerOf(server);
 *   const thread = threads.getLoaded(params.threadId); // RpcError (-32600) if not loaded
 *   threads.subscribe(thread, session);           // optional: a turn/start from another connection
 *   // Server-to-client requests (approvals): `thread.subscribers` are the connections to ask.
 *   const turn = thread.beginTurn();              // new inProgress Turn (UUIDv7 id), persisted
 *   thread.setStatus({ type: 'active', activeFlags: [] });
 *   thread.notify('turn/started', { threadId: thread.id, turn });
 *   … model call with thread.history + new input …
 *   thread.notify('item/started', …);             // streaming notifications: engine's business
 *   thread.recordItem(turn.id, completedItem);    // a COMPLETED ThreadItem: stored, appended, flushed
 *   thread.appendHistory([{ type: 'message', role: 'user', content: [...] }, functionCall, output…]);
 *   thread.updateTokenUsage(turn.id, lastUsage);  // adds to totals, persists, notifies thread/tokenUsage/updated
 *   thread.completeTurn(turn.id, 'completed');    // or 'interrupted' / 'failed' with a TurnError
 *   thread.setStatus({ type: 'idle' });
 *
 * Settings (`model`, `cwd`, `approvalPolicy`, `sandbox`, `reasoningEffort`…)
 * are plain fields; overrides (turn/start, thread/resume) change them only
 * through ./overrides.ts, which calls `persistSettings()` so a resume gets
 * them back. `config` is the effective
 * config (config.toml + `-c` + thread/start `config`).
 *
 * Persistence: every call above appends one line with a synchronous write
 * (see RolloutWriter), so a `kill -9` loses at most the item in flight.
 * Ephemeral threads keep everything in memory only.
 */
import { v7 as uuidv7 } from 'uuid';
import type { EffectiveConfig } from '../config/types';
import type { ClientSession } from '../core/session';
import type { ServerNotificationMethod, ServerNotifications } from '../../protocol';
import {
  emptyTokenUsage,
  type ApprovalsReviewer,
  type AskForApproval,
  type GitInfo,
  type SandboxPolicy,
  type SessionSource,
  type Thread,
  type ThreadGoal,
  type ThreadItem,
  type ThreadStatus,
  type ThreadTokenUsage,
  type TokenUsageBreakdown,
  type Turn,
  type TurnError,
  type TurnStatus,
} from '../../protocol/items';
import { RolloutWriter } from '../rollout/writer';
import type { HistoryEntry, SessionMetaPayload } from '../rollout/format';
import { serializeLine, snakeUsage, snapshotThread } from '../rollout/lines';
import type { LoadedThreadInit, ThreadSettings } from './threadInit';
import { previewOfItem } from '../rollout/preview';

/** A Responses-API input item (message, function_call, function_call_output, reasoning…). */
export type ResponseItem = { type: string; [field: string]: unknown };

/** What the thread tells its manager (index upkeep, broadcasts). */
export interface LoadedThreadHost {
  /** Summary fields changed (preview, updatedAt, name…) or the file was created. */
  onThreadChanged(thread: LoadedThread): void;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class LoadedThread {
  readonly id: string;
  readonly sessionId: string;
  readonly forkedFromId: string | null;
  readonly createdAt: number;
  updatedAt: number;
  readonly ephemeral: boolean;
  readonly source: SessionSource;
  readonly originator: string;
  readonly cliVersion: string;
  readonly gitInfo: GitInfo | null;

  cwd: string;
  model: string;
  modelProvider: string;
  reasoningEffort: string | null;
  approvalPolicy: AskForApproval;
  approvalsReviewer: ApprovalsReviewer;
  sandbox: SandboxPolicy;
  baseInstructions: string | null;
  developerInstructions: string | null;
  /** Effective configuration for this thread (config.toml, `-c`, thread/start `config`). */
  config: EffectiveConfig;
  /** The thread/start (or resume/fork) `config` map on its own: the session flags above `-c`. */
  sessionConfig: Record<string, unknown> | null;

  name: string | null;
  preview: string;
  /** Protocol turns with their completed items, oldest first. */
  readonly turns: Turn[];
  /** Cumulative and last token usage, once a turn reported some. */
  tokenUsage: ThreadTokenUsage | null;
  goal: ThreadGoal | null;
  status: ThreadStatus = { type: 'idle' };

  /** Connections that receive this thread's notifications. */
  readonly subscribers = new Set<ClientSession>();
  private readonly closeListeners: (() => void)[] = [];

  private readonly historyEntries: HistoryEntry[];
  private readonly writer: RolloutWriter | null;
  private settingsWritten = false;
  private materializedFlag: boolean;

  constructor(
    init: LoadedThreadInit,
    private readonly host: LoadedThreadHost,
    /** True when the rollout already holds session_meta (resumed threads). */
    alreadyMaterialized = false,
  ) {
    this.id = init.id;
    this.sessionId = init.sessionId;
    this.forkedFromId = init.forkedFromId;
    this.createdAt = init.createdAt;
    this.updatedAt = init.updatedAt;
    this.ephemeral = init.ephemeral;
    this.source = init.source;
    this.originator = init.originator;
    this.cliVersion = init.cliVersion;
    this.gitInfo = init.gitInfo;
    const s = init.settings;
    this.cwd = s.cwd;
    this.model = s.model;
    this.modelProvider = s.modelProvider;
    this.reasoningEffort = s.reasoningEffort;
    this.approvalPolicy = s.approvalPolicy;
    this.approvalsReviewer = s.approvalsReviewer;
    this.sandbox = s.sandbox;
    this.baseInstructions = s.baseInstructions;
    this.developerInstructions = s.developerInstructions;
    this.config = init.config;
    this.sessionConfig = init.sessionConfig ?? null;
    this.name = init.name;
    this.preview = init.preview;
    this.turns = init.turns;
    this.historyEntries = init.history;
    this.tokenUsage = init.tokenUsage;
    this.goal = init.goal;
    this.writer = init.ephemeral || !init.rolloutPath ? null : new RolloutWriter(init.rolloutPath);
    this.materializedFlag = alreadyMaterialized;
  }

  /** Path of the rollout file (null for ephemeral threads). It exists once the thread has content. */
  get rolloutPath(): string | null {
    return this.writer?.path ?? null;
  }

  /** Whether the rollout file has been created. */
  get materialized(): boolean {
    return this.materializedFlag;
  }

  /** The model conversation so far, oldest first (Responses-API input items). */
  get history(): ResponseItem[] {
    return this.historyEntries.map((entry) => entry.item);
  }

  /** History with the turn each item belongs to. */
  get historyWithTurns(): readonly HistoryEntry[] {
    return this.historyEntries;
  }

  /** The turn currently in progress, if any. */
  get activeTurn(): Turn | undefined {
    const last = this.turns[this.turns.length - 1];
    return last?.status === 'inProgress' ? last : undefined;
  }

  get settings(): ThreadSettings {
    return {
      cwd: this.cwd,
      model: this.model,
      modelProvider: this.modelProvider,
      reasoningEffort: this.reasoningEffort,
      approvalPolicy: this.approvalPolicy,
      approvalsReviewer: this.approvalsReviewer,
      sandbox: this.sandbox,
      baseInstructions: this.baseInstructions,
      developerInstructions: this.developerInstructions,
    };
  }

  // ------------------------------------------------------------ clients

  subscribe(session: ClientSession): void {
    this.subscribers.add(session);
  }

  /** Returns whether the session was subscribed. */
  unsubscribe(session: ClientSession): boolean {
    return this.subscribers.delete(session);
  }

  /** Sends a notification to every subscribed client (opt-outs respected by the session). */
  notify<M extends ServerNotificationMethod>(method: M, params: ServerNotifications[M]): void {
    for (const session of this.subscribers) {
      if (!session.isClosed) session.notify(method, params);
    }
  }

  /** Changes the runtime status; emits `thread/status/changed` when it differs. */
  setStatus(status: ThreadStatus): void {
    if (JSON.stringify(status) === JSON.stringify(this.status)) return;
    this.status = status;
    this.notify('thread/status/changed', { threadId: this.id, status });
  }

  // ------------------------------------------------------------ turns and items

  /**
   * Starts a new turn (status inProgress) and persists its start. Pass a turn
   * to use your own id/fields; otherwise one is created with a UUIDv7 id.
   */
  beginTurn(turn?: Partial<Turn>): Turn {
    // The rollout starts with what the thread holds before this turn.
    this.materialize();
    const id = turn?.id ?? uuidv7();
    const started: Turn = {
      id,
      rootTurnId: turn?.rootTurnId ?? id,
      items: turn?.items ? [...turn.items] : [],
      itemsView: 'full',
      status: 'inProgress',
      error: null,
      startedAt: turn?.startedAt ?? nowSeconds(),
      completedAt: null,
      durationMs: null,
    };
    this.turns.push(started);
    this.persistSettings(id);
    this.write('event_msg', { type: 'task_started', turn_id: id, root_turn_id: started.rootTurnId, started_at: started.startedAt });
    this.touch();
    return started;
  }

  /** Stores a completed item in its turn (replacing one with the same id) and appends it to the rollout. */
  recordItem(turnId: string, item: ThreadItem): void {
    const turn = this.requireTurn(turnId);
    const index = turn.items.findIndex((existing) => existing.id === item.id);
    if (index >= 0) turn.items[index] = item;
    else turn.items.push(item);
    if (!this.preview) this.preview = previewOfItem(item);
    this.write('event_msg', { type: 'thread_item_completed', turn_id: turnId, item });
    this.touch();
  }

  /** Appends model-conversation items (what the model saw and said) for the active turn. */
  appendHistory(items: ResponseItem[], turnId: string | null = this.activeTurn?.id ?? null): void {
    if (items.length === 0) return;
    for (const item of items) this.historyEntries.push({ turnId, item });
    this.writeMany(items.map((item) => ({ type: 'response_item', payload: item })));
  }

  /** Replaces the whole history (after compaction); persisted as a `compacted` line with the summary `message`. */
  replaceHistory(items: ResponseItem[], message = ''): void {
    const turnId = this.activeTurn?.id ?? null;
    this.historyEntries.splice(0, this.historyEntries.length, ...items.map((item) => ({ turnId, item })));
    this.write('compacted', { message, replacement_history: items });
  }

  /** Ends a turn and persists the outcome. Returns the final Turn. */
  completeTurn(turnId: string, status: Exclude<TurnStatus, 'inProgress'> = 'completed', error: TurnError | null = null): Turn {
    const turn = this.requireTurn(turnId);
    const completedAt = Date.now();
    turn.status = status;
    turn.error = error;
    turn.completedAt = Math.floor(completedAt / 1000);
    turn.durationMs = turn.startedAt !== null ? Math.max(0, completedAt - turn.startedAt * 1000) : null;
    const lastAgentMessage = [...turn.items].reverse().find((item) => item.type === 'agentMessage') as { text?: string } | undefined;
    this.write('event_msg', {
      type: 'task_complete',
      turn_id: turnId,
      status,
      error,
      completed_at: turn.completedAt,
      duration_ms: turn.durationMs,
      last_agent_message: lastAgentMessage?.text ?? null,
    });
    this.touch();
    return turn;
  }

  /**
   * Adds one model response's usage to the totals, persists it and emits
   * `thread/tokenUsage/updated`.
   */
  updateTokenUsage(turnId: string, last: TokenUsageBreakdown, modelContextWindow: number | null = null, options: { addToTotal?: boolean } = {}): ThreadTokenUsage {
    const total = { ...(this.tokenUsage?.total ?? emptyTokenUsage()) };
    // After a compaction `last` is an estimate of the new history, not a response: totals stay.
    if (options.addToTotal !== false) for (const key of Object.keys(total) as (keyof TokenUsageBreakdown)[]) total[key] += last[key] ?? 0;
    this.tokenUsage = { total, last: { ...last }, modelContextWindow: modelContextWindow ?? this.tokenUsage?.modelContextWindow ?? null };
    this.write('event_msg', {
      type: 'token_count',
      turn_id: turnId,
      info: { total_token_usage: snakeUsage(total), last_token_usage: snakeUsage(last), model_context_window: this.tokenUsage.modelContextWindow },
    });
    this.notify('thread/tokenUsage/updated', { threadId: this.id, turnId, tokenUsage: this.tokenUsage });
    return this.tokenUsage;
  }

  /** Persists the current settings (call after changing model/cwd/policies for the next turn). */
  persistSettings(turnId: string | null = null): void {
    this.settingsWritten = true;
    this.write('turn_context', {
      turn_id: turnId,
      cwd: this.cwd,
      model: this.model,
      model_provider: this.modelProvider,
      effort: this.reasoningEffort,
      approval_policy: this.approvalPolicy,
      approvals_reviewer: this.approvalsReviewer,
      sandbox_policy: this.sandbox,
      base_instructions: this.baseInstructions,
      developer_instructions: this.developerInstructions,
    });
  }

  /** thread/revert: drops `beforeTurnId` and later turns with their history; the reader replays `thread_rolled_back`. */
  revertTo(beforeTurnId: string): void {
    const index = this.turns.findIndex((t) => t.id === beforeTurnId);
    if (index < 0) return;
    const dropped = new Set(this.turns.splice(index).map((t) => t.id));
    this.historyEntries.splice(0, this.historyEntries.length, ...this.historyEntries.filter((e) => !e.turnId || !dropped.has(e.turnId)));
    this.write('event_msg', { type: 'thread_rolled_back', num_turns: dropped.size, before_turn_id: beforeTurnId });
    this.touch();
  }

  // ------------------------------------------------------------ metadata

  /**
   * Names the thread. Like the reference, metadata alone does not create the
   * rollout: a thread without content keeps its name in memory, and
   * `materialize()` writes it with the first content.
   */
  setName(name: string | null): void {
    this.name = name;
    if (!this.materializedFlag) return;
    this.write('event_msg', { type: 'thread_name_updated', thread_id: this.id, thread_name: name });
    this.touch();
  }

  /** Sets or clears the goal (kept in memory until the rollout exists, like the name). */
  setGoal(goal: ThreadGoal | null): void {
    this.goal = goal;
    if (!this.materializedFlag) return;
    if (goal) this.write('event_msg', { type: 'thread_goal_updated', goal });
    else this.write('event_msg', { type: 'thread_goal_cleared', thread_id: this.id });
  }

  /** The protocol Thread object; turns only when asked (resume/fork/read with includeTurns). */
  toThread(includeTurns = false): Thread {
    return {
      id: this.id,
      sessionId: this.sessionId,
      forkedFromId: this.forkedFromId,
      parentThreadId: null,
      preview: this.preview,
      ephemeral: this.ephemeral,
      section: null,
      sectionEnteredAt: null,
      projectId: null,
      historyMode: 'paginated',
      modelProvider: this.modelProvider,
      model: this.model,
      reasoningEffort: this.reasoningEffort,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      recencyAt: this.updatedAt,
      status: this.status,
      path: this.rolloutPath,
      cwd: this.cwd,
      cliVersion: this.cliVersion,
      originator: this.originator,
      source: this.source,
      threadSource: null,
      agentNickname: null,
      agentRole: null,
      gitInfo: this.gitInfo,
      name: this.name,
      turns: includeTurns ? structuredClone(this.turns) : [],
    };
  }

  /** The session_meta line payload for this thread. */
  sessionMeta(): SessionMetaPayload {
    return {
      id: this.id,
      session_id: this.sessionId,
      forked_from_id: this.forkedFromId,
      timestamp: new Date(this.createdAt * 1000).toISOString(),
      cwd: this.cwd,
      originator: this.originator,
      cli_version: this.cliVersion,
      source: this.source,
      model_provider: this.modelProvider,
      model: this.model,
      reasoning_effort: this.reasoningEffort,
      git: this.gitInfo ? { commit_hash: this.gitInfo.sha, branch: this.gitInfo.branch, repository_url: this.gitInfo.originUrl } : null,
    };
  }

  /**
   * Creates the rollout file now (session_meta, settings, and whatever the
   * thread already holds, e.g. a fork's copied turns). Idempotent.
   */
  materialize(): void {
    if (!this.writer || this.materializedFlag) return;
    this.materializedFlag = true;
    const lines = snapshotThread({ meta: this.sessionMeta(), goal: this.goal, name: this.name, turns: this.turns, history: this.historyEntries, tokenUsage: this.tokenUsage });
    this.writer.appendRaw(lines.map((line) => serializeLine(line.type, line.payload, line.timestamp)));
    if (!this.settingsWritten) this.persistSettings();
    this.host.onThreadChanged(this);
  }

  /** Moves the rollout with the file (archive/unarchive of a loaded thread). */
  relocateRollout(newPath: string): void {
    this.writer?.relocate(newPath);
  }

  /** Releases the file descriptor (thread unloaded or server shutting down). */
  close(): void {
    this.writer?.close();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** Runs once when the thread is unloaded or the server shuts down (e.g. to end its MCP servers). */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  // ------------------------------------------------------------ internals

  private requireTurn(turnId: string): Turn {
    const turn = this.turns.find((t) => t.id === turnId);
    if (!turn) throw new Error(`thread ${this.id} has no turn ${turnId}`);
    return turn;
  }

  private touch(): void {
    this.updatedAt = nowSeconds();
    this.host.onThreadChanged(this);
  }

  private write(type: string, payload: object): void {
    this.writeMany([{ type, payload }]);
  }

  private writeMany(lines: { type: string; payload: object }[]): void {
    if (!this.writer) return;
    if (!this.materializedFlag) {
      this.materialize();
    }
    this.writer.appendRaw(lines.map((line) => serializeLine(line.type, line.payload)));
  }
}
