/**
 * The thread operations behind the `thread/*` methods: creating, resuming and
 * forking loaded threads, reading and listing stored ones, names, goals,
 * archiving. Handlers in ./index.ts only parse params and call in here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { AppServer } from '../core/appServer';
import type { ClientSession } from '../core/session';
import { log } from '../log';
import { ErrorCode, RpcError } from '../rpc/errors';
import type { AskForApproval, Thread, ThreadGoal, Turn, TurnItemsView } from '../protocol/items';
import type {
  ThreadForkParams,
  ThreadGoalSetParams,
  ThreadListParams,
  ThreadListResponse,
  ThreadResumeParams,
  ThreadResumeResponse,
  ThreadSessionResponse,
  ThreadSourceKind,
  ThreadStartParams,
  ThreadTurnsListParams,
  ThreadTurnsListResponse,
} from '../protocol/thread';
import { readRollout, type ParsedRollout, type RolloutSettings } from '../rollout/reader';
import { REFERENCE_NAME_INDEX, ThreadStore, type ThreadSummary } from '../rollout/store';
import { RolloutWriter } from '../rollout/writer';
import { threadIdFromFileName, type HistoryEntry } from '../rollout/format';
import { SERVER_VERSION } from '../version';
import { emptyThreadContent, LoadedThread, type LoadedThreadInit, type ResponseItem } from './loadedThread';
import { threadManagerOf, validateThreadId, type ThreadManager } from './manager';
import { decodeCursor, encodeCursor } from '../rpc/cursor';
import { admitNewThread, effectiveConfigFor, readGitInfo, resolveCwd, resolveSettings } from './settings';
import { instructionSourcesFor } from './instructions';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const DEFAULT_LIST_LIMIT = 25;
const MAX_LIST_LIMIT = 200;
const DEFAULT_TURNS_LIMIT = 50;
/** Sources listed when `sourceKinds` is omitted: interactive sessions. */
const INTERACTIVE_SOURCES: ThreadSourceKind[] = ['cli', 'vscode'];

export class ThreadService {
  readonly manager: ThreadManager;
  readonly store: ThreadStore;
  private readonly sortCache = new Map<string, { version: number; list: ThreadSummary[] }>();

  constructor(readonly server: AppServer) {
    this.manager = threadManagerOf(server);
    this.store = new ThreadStore(server.codexHome);
    this.manager.onChange((thread) => this.indexLoaded(thread));
    server.onDispose(() => {
      for (const thread of this.manager.loadedThreads()) this.indexLoaded(thread);
    });
  }

  // ------------------------------------------------------------ start / resume / fork

  start(params: ThreadStartParams, session: ClientSession): ThreadSessionResponse {
    const cwd = resolveCwd(params.cwd, process.cwd());
    const { config, request, warnings } = admitNewThread(this.server, params, cwd);
    const settings = resolveSettings(request, config, cwd);
    const thread = this.createThread(session, cwd, {
      settings,
      config,
      sessionConfig: params.config ?? null,
      ephemeral: params.ephemeral ?? false,
    });
    // As with the reference: configWarning before the response, the thread's own warning after thread/started.
    for (const warning of warnings) session.notify('configWarning', warning);
    this.afterResponse(() => {
      this.server.broadcast('thread/started', { thread: thread.toThread() });
      for (const warning of warnings) thread.notify('warning', { threadId: thread.id, message: warning.summary });
    });
    return this.sessionResponse(thread);
  }

  resume(params: ThreadResumeParams, session: ClientSession): ThreadResumeResponse {
    const includeTurns = !params.excludeTurns;
    const loadedAlready = params.history ? undefined : this.manager.findLoaded(params.threadId);
    let thread: LoadedThread;
    if (loadedAlready) {
      thread = loadedAlready;
      if (params.path && thread.rolloutPath && path.resolve(params.path) !== thread.rolloutPath) {
        throw new RpcError(ErrorCode.InvalidRequest, `thread ${thread.id} is running from ${thread.rolloutPath}, not ${params.path}`);
      }
      this.manager.subscribe(thread, session);
      this.applyOverrides(thread, params);
    } else if (params.history && params.history.length > 0) {
      thread = this.threadFromHistory(params, session);
    } else {
      const { summary, parsed } = this.loadStored(params.threadId, params.path);
      thread = this.threadFromStored(summary, parsed, params);
      this.manager.add(thread, session);
      // Loaded from disk: notLoaded → idle, before the response (as the reference does).
      session.notify('thread/status/changed', { threadId: thread.id, status: thread.status });
    }
    this.replayStateTo(thread, session);
    return {
      ...this.sessionResponse(thread, includeTurns),
      collaborationMode: null,
      turnsBackwardsCursor: null,
      itemsBackwardsCursor: null,
    };
  }

  /**
   * After a resume response, the resuming client gets the thread's restored
   * token usage and goal state, like the reference (goal notifications only
   * for experimental clients, as the goal API is).
   */
  private replayStateTo(thread: LoadedThread, session: ClientSession): void {
    const lastTurn = thread.turns[thread.turns.length - 1];
    this.afterResponse(() => {
      if (thread.tokenUsage && lastTurn) session.notify('thread/tokenUsage/updated', { threadId: thread.id, turnId: lastTurn.id, tokenUsage: thread.tokenUsage });
      if (!session.experimentalApi) return;
      if (thread.goal) session.notify('thread/goal/updated', { threadId: thread.id, turnId: null, goal: thread.goal });
      else session.notify('thread/goal/cleared', { threadId: thread.id });
    });
  }

  fork(params: ThreadForkParams, session: ClientSession): ThreadSessionResponse {
    const source = this.forkSource(params);
    let turns = source.turns.filter((turn) => turn.status !== 'inProgress');
    if (params.lastTurnId) {
      const cut = source.turns.findIndex((turn) => turn.id === params.lastTurnId);
      if (cut < 0) throw new RpcError(ErrorCode.InvalidRequest, `turn not found in thread ${source.id}: ${params.lastTurnId}`);
      if (source.turns[cut].status === 'inProgress') throw new RpcError(ErrorCode.InvalidRequest, `turn ${params.lastTurnId} is still in progress`);
      turns = source.turns.slice(0, cut + 1);
    }
    const keptTurnIds = new Set(turns.map((turn) => turn.id));
    const history = source.history.filter((entry) => entry.turnId === null || keptTurnIds.has(entry.turnId));

    const cwd = resolveCwd(params.cwd ?? (fs.existsSync(source.settings.cwd ?? '') ? source.settings.cwd : null), process.cwd());
    const config = effectiveConfigFor(this.server, params.config, cwd);
    const settings = resolveSettings(params, config, cwd, source.settings);
    const thread = this.createThread(session, cwd, {
      settings,
      config,
      sessionConfig: params.config ?? null,
      ephemeral: params.ephemeral ?? false,
      forkedFromId: source.id,
      name: source.name,
      preview: source.preview,
      turns: structuredClone(turns),
      history: structuredClone(history),
      tokenUsage: source.tokenUsage,
    });
    thread.materialize();
    const lastTurn = turns[turns.length - 1];
    this.afterResponse(() => {
      if (thread.tokenUsage && lastTurn) thread.notify('thread/tokenUsage/updated', { threadId: thread.id, turnId: lastTurn.id, tokenUsage: thread.tokenUsage });
      this.server.broadcast('thread/started', { thread: thread.toThread() });
    });
    return this.sessionResponse(thread, !params.excludeTurns);
  }

  // ------------------------------------------------------------ read / list

  read(threadId: string, includeTurns: boolean): { thread: Thread } {
    const id = validateThreadId(threadId);
    const loaded = this.manager.findLoaded(id);
    if (loaded) return { thread: loaded.toThread(includeTurns) };
    const summary = this.requireStored(id);
    const turns = includeTurns ? this.parseStored(summary).turns : [];
    return { thread: threadFromSummary(summary, turns) };
  }

  list(params: ThreadListParams): ThreadListResponse {
    if (params.originators && params.originators.length > 0) {
      throw new RpcError(ErrorCode.InvalidRequest, 'originators filtering is only supported by hosted backends');
    }
    const excluded = new Set((params.excludedThreadIds ?? []).map((id, i) => validateListId(id, i)));
    const archived = params.archived === true;
    const cwds = params.cwd === undefined || params.cwd === null ? null : new Set((Array.isArray(params.cwd) ? params.cwd : [params.cwd]).map((p) => path.resolve(p)));
    const providers = params.modelProviders && params.modelProviders.length > 0 ? new Set(params.modelProviders) : null;
    const sources = new Set(params.sourceKinds && params.sourceKinds.length > 0 ? params.sourceKinds : INTERACTIVE_SOURCES);
    const search = params.searchTerm?.trim().toLowerCase() || null;
    // No sections exist here: a section id matches nothing, `null` (unsectioned) matches all.
    if (typeof params.sectionId === 'string') return { data: [], nextCursor: null, backwardsCursor: null };

    const byUpdated = params.sortKey === 'updated_at' || params.sortKey === 'recency_at';
    const key = (s: ThreadSummary) => (byUpdated ? s.updatedAt : s.createdAt);
    const direction = params.sortDirection === 'asc' ? 1 : -1;
    const compare = (a: ThreadSummary, b: ThreadSummary) => direction * (key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    this.store.syncExternal();
    const matches = this.sortedSummaries(byUpdated, direction).filter(
      (s) =>
        s.archived === archived &&
        !excluded.has(s.id) &&
        (!cwds || cwds.has(s.cwd)) &&
        (!providers || providers.has(s.modelProvider)) &&
        sources.has(sourceKindOf(s.source)) &&
        (!search || (s.name ?? '').toLowerCase().includes(search) || s.preview.toLowerCase().includes(search)),
    );

    let start = 0;
    if (params.cursor) {
      const cursor = decodeCursor(params.cursor, (v): v is { k: number; id: string; inc?: boolean } => typeof v?.k === 'number' && typeof v?.id === 'string');
      const anchor = { createdAt: cursor.k, updatedAt: cursor.k, id: cursor.id } as ThreadSummary;
      start = matches.findIndex((s) => (cursor.inc ? compare(s, anchor) >= 0 : compare(s, anchor) > 0));
      if (start < 0) start = matches.length;
    }
    const limit = Math.min(params.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    const page = matches.slice(start, start + limit);
    const last = page[page.length - 1];
    const first = page[0];
    return {
      data: page.map((summary) => this.manager.findLoaded(summary.id)?.toThread() ?? threadFromSummary(summary, [])),
      nextCursor: start + limit < matches.length && last ? encodeCursor({ k: key(last), id: last.id }) : null,
      backwardsCursor: first ? encodeCursor({ k: key(first), id: first.id, inc: true }) : null,
    };
  }

  /** Stored threads in list order; cached until the store changes. */
  private sortedSummaries(byUpdated: boolean, direction: 1 | -1): ThreadSummary[] {
    const cacheKey = `${byUpdated ? 'u' : 'c'}${direction}`;
    const version = (this.store.ensureLoaded(), this.store.version);
    const cached = this.sortCache.get(cacheKey);
    if (cached && cached.version === version) return cached.list;
    const key = (s: ThreadSummary) => (byUpdated ? s.updatedAt : s.createdAt);
    const list = this.store.all().sort((a, b) => direction * (key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    this.sortCache.set(cacheKey, { version, list });
    return list;
  }

  turnsList(params: ThreadTurnsListParams): ThreadTurnsListResponse {
    const id = validateThreadId(params.threadId);
    const loaded = this.manager.findLoaded(id);
    const turns = loaded ? loaded.turns : this.parseStored(this.requireStored(id)).turns;
    const ordered = params.sortDirection === 'asc' ? [...turns] : [...turns].reverse();
    let start = 0;
    if (params.cursor) {
      const cursor = decodeCursor(params.cursor, (v): v is { turnId: string; inc?: boolean } => typeof v?.turnId === 'string');
      const at = ordered.findIndex((turn) => turn.id === cursor.turnId);
      if (at < 0) throw new RpcError(ErrorCode.InvalidRequest, `invalid cursor: turn ${cursor.turnId} is not in thread ${id}`);
      start = cursor.inc ? at : at + 1;
    }
    const limit = params.limit ?? DEFAULT_TURNS_LIMIT;
    const page = ordered.slice(start, start + limit);
    const view: TurnItemsView = params.itemsView ?? 'summary';
    return {
      data: page.map((turn) => turnWithView(turn, view)),
      nextCursor: start + limit < ordered.length && page.length ? encodeCursor({ turnId: page[page.length - 1].id }) : null,
      backwardsCursor: page.length ? encodeCursor({ turnId: page[0].id, inc: true }) : null,
    };
  }

  loadedList(cursor: string | null | undefined, limit: number | null | undefined): { data: string[]; nextCursor: string | null } {
    const ids = this.manager.loadedIds().sort();
    let start = 0;
    if (cursor) {
      const decoded = decodeCursor(cursor, (v): v is { after: string } => typeof v?.after === 'string');
      start = ids.findIndex((id) => id > decoded.after);
      if (start < 0) start = ids.length;
    }
    const end = limit ? start + limit : ids.length;
    const data = ids.slice(start, end);
    return { data, nextCursor: end < ids.length && data.length ? encodeCursor({ after: data[data.length - 1] }) : null };
  }

  // ------------------------------------------------------------ names, archive, subscriptions

  setName(threadId: string, rawName: string): Record<string, never> {
    const id = validateThreadId(threadId);
    const name = rawName.trim();
    if (!name) throw new RpcError(ErrorCode.InvalidParams, 'Invalid params: name: must not be empty');
    const loaded = this.manager.findLoaded(id);
    if (loaded) {
      loaded.setName(name);
    } else {
      const summary = this.requireStored(id);
      appendToRollout(summary.path, { type: 'thread_name_updated', thread_id: id, thread_name: name });
      this.store.upsert({ ...summary, name, updatedAt: nowSeconds() });
    }
    if (!loaded?.ephemeral) this.recordReferenceName(id, name);
    this.afterResponse(() => this.server.broadcast('thread/name/updated', { threadId: id, threadName: name }));
    return {};
  }

  archive(threadId: string): Record<string, never> {
    const id = validateThreadId(threadId);
    const loaded = this.manager.findLoaded(id);
    if (loaded?.activeTurn) throw new RpcError(ErrorCode.InvalidRequest, `thread ${id} has a turn in progress; interrupt it before archiving`);
    // A loaded thread without content yet gets its rollout now, so it can be archived (as the reference does).
    if (loaded && !loaded.ephemeral && !loaded.materialized) loaded.materialize();
    const summary = this.findStored(id);
    if (!summary) throw new RpcError(ErrorCode.InvalidRequest, `no rollout found for thread id ${id}`);
    if (summary.archived) throw new RpcError(ErrorCode.InvalidRequest, `thread ${id} is already archived`);
    // Move first: if that fails the thread stays loaded and nothing changed.
    const archived = this.moveRollout(() => this.store.archive(id));
    if (loaded) {
      loaded.setStatus({ type: 'notLoaded' });
      this.manager.unload(id);
      // Anyone still holding the unloaded thread writes into the archived file, never a new one.
      loaded.relocateRollout(archived.path);
    }
    this.afterResponse(() => this.server.broadcast('thread/archived', { threadId: id }));
    return {};
  }

  unarchive(threadId: string): { thread: Thread } {
    const id = validateThreadId(threadId);
    const summary = this.findStored(id);
    if (!summary) throw new RpcError(ErrorCode.InvalidRequest, `no rollout found for thread id ${id}`);
    if (!summary.archived) throw new RpcError(ErrorCode.InvalidRequest, `thread ${id} is not archived`);
    const updated = this.moveRollout(() => this.store.unarchive(id));
    const loaded = this.manager.findLoaded(id);
    loaded?.relocateRollout(updated.path);
    this.afterResponse(() => this.server.broadcast('thread/unarchived', { threadId: id }));
    return { thread: loaded?.toThread() ?? threadFromSummary(updated, []) };
  }

  unsubscribe(threadId: string, session: ClientSession): { status: 'notLoaded' | 'notSubscribed' | 'unsubscribed' } {
    const id = validateThreadId(threadId);
    const loaded = this.manager.findLoaded(id);
    if (!loaded) return { status: 'notLoaded' };
    if (!loaded.unsubscribe(session)) return { status: 'notSubscribed' };
    // Like the reference, the thread stays loaded (thread/loaded/list, resume) without subscribers.
    return { status: 'unsubscribed' };
  }

  // ------------------------------------------------------------ goals

  goalGet(threadId: string): { goal: ThreadGoal | null } {
    return { goal: this.currentGoal(validateThreadId(threadId)) };
  }

  goalSet(params: ThreadGoalSetParams): { goal: ThreadGoal } {
    const id = validateThreadId(params.threadId);
    const current = this.currentGoal(id);
    const now = nowSeconds();
    let goal: ThreadGoal;
    if (current) {
      goal = {
        ...current,
        objective: params.objective ?? current.objective,
        status: params.status ?? current.status,
        tokenBudget: params.tokenBudget !== undefined ? params.tokenBudget : current.tokenBudget,
        updatedAt: now,
      };
    } else {
      if (!params.objective) throw new RpcError(ErrorCode.InvalidParams, 'Invalid params: objective: required to create a goal');
      goal = {
        threadId: id,
        objective: params.objective,
        status: params.status ?? 'active',
        tokenBudget: params.tokenBudget ?? null,
        tokensUsed: 0,
        timeUsedSeconds: 0,
        createdAt: now,
        updatedAt: now,
      };
    }
    this.persistGoal(id, goal);
    const turnId = this.manager.findLoaded(id)?.activeTurn?.id ?? null;
    this.afterResponse(() => this.server.broadcast('thread/goal/updated', { threadId: id, turnId, goal }));
    return { goal };
  }

  goalClear(threadId: string): { cleared: boolean } {
    const id = validateThreadId(threadId);
    if (!this.currentGoal(id)) return { cleared: false };
    this.persistGoal(id, null);
    this.afterResponse(() => this.server.broadcast('thread/goal/cleared', { threadId: id }));
    return { cleared: true };
  }

  // ------------------------------------------------------------ internals

  private currentGoal(id: string): ThreadGoal | null {
    const loaded = this.manager.findLoaded(id);
    if (loaded) return loaded.goal;
    return this.parseStored(this.requireStored(id)).goal;
  }

  private persistGoal(id: string, goal: ThreadGoal | null): void {
    const loaded = this.manager.findLoaded(id);
    if (loaded) {
      loaded.setGoal(goal);
      return;
    }
    const summary = this.requireStored(id);
    appendToRollout(summary.path, goal ? { type: 'thread_goal_updated', goal } : { type: 'thread_goal_cleared', thread_id: id });
    this.store.upsert(summary);
  }

  private sessionResponse(thread: LoadedThread, includeTurns = false): ThreadSessionResponse {
    return {
      thread: thread.toThread(includeTurns),
      model: thread.model,
      modelProvider: thread.modelProvider,
      serviceTier: null,
      disabledPluginIds: [],
      cwd: thread.cwd,
      instructionSources: instructionSourcesFor(this.server.codexHome, thread.cwd),
      approvalPolicy: wireApprovalPolicy(thread.approvalPolicy),
      approvalsReviewer: thread.approvalsReviewer,
      sandbox: thread.sandbox,
      reasoningEffort: thread.reasoningEffort,
    };
  }

  /** Runs after the current response is written (notifications follow their response, like the reference). */
  private afterResponse(send: () => void): void {
    setImmediate(send);
  }

  private indexLoaded(thread: LoadedThread): void {
    if (thread.ephemeral || !thread.materialized || !thread.rolloutPath) return;
    const existing = this.store.get(thread.id);
    this.store.upsert({
      id: thread.id,
      path: thread.rolloutPath,
      archived: existing?.archived ?? false,
      createdAt: thread.createdAt,
      updatedAt: thread.updatedAt,
      cwd: thread.cwd,
      preview: thread.preview,
      name: thread.name,
      modelProvider: thread.modelProvider,
      model: thread.model,
      reasoningEffort: thread.reasoningEffort,
      source: thread.source,
      cliVersion: thread.cliVersion,
      originator: thread.originator,
      forkedFromId: thread.forkedFromId,
      sessionId: thread.sessionId,
      gitInfo: thread.gitInfo,
    });
  }

  /** A stored thread; on a miss, first look for what other programs added meanwhile. */
  private findStored(id: string): ThreadSummary | undefined {
    const summary = this.store.get(id);
    if (summary) return summary;
    this.store.syncExternal();
    return this.store.get(id);
  }

  private requireStored(id: string): ThreadSummary {
    const summary = this.findStored(id);
    if (!summary) throw new RpcError(ErrorCode.InvalidRequest, `thread not found: ${id}`);
    return summary;
  }

  private parseStored(summary: ThreadSummary): ParsedRollout {
    let parsed: ParsedRollout;
    try {
      parsed = readRollout(summary.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new RpcError(ErrorCode.InternalError, `cannot read rollout ${summary.path}: ${(error as Error).message}`);
      }
      // Moved or deleted by another program (archived elsewhere): look again on disk.
      this.store.reload();
      const moved = this.store.get(summary.id);
      if (!moved) throw new RpcError(ErrorCode.InvalidRequest, `thread not found: ${summary.id} (its rollout ${summary.path} is gone)`);
      parsed = readRollout(moved.path);
    }
    for (const warning of parsed.warnings) log.warn(warning);
    return parsed;
  }

  /** A stored thread by id, or by an explicit rollout path (resume/fork `path`). */
  private loadStored(threadId: string, rolloutPath: string | null | undefined): { summary: ThreadSummary; parsed: ParsedRollout } {
    if (rolloutPath && rolloutPath.trim()) {
      const file = path.resolve(rolloutPath);
      // We append to this file later: only ever to something named like a rollout.
      if (!threadIdFromFileName(path.basename(file))) {
        throw new RpcError(ErrorCode.InvalidParams, `Invalid params: path: not a rollout file name (rollout-<time>-<uuid>.jsonl): ${file}`);
      }
      let parsed: ParsedRollout;
      try {
        parsed = readRollout(file);
      } catch (error) {
        throw new RpcError(ErrorCode.InvalidRequest, `cannot read rollout ${file}: ${(error as Error).message}`);
      }
      if (!parsed.meta) throw new RpcError(ErrorCode.InvalidRequest, `${file} is not a rollout (no session_meta line)`);
      const summary = this.store.get(parsed.meta.id.toLowerCase());
      if (summary && summary.path === file) return { summary, parsed };
      const indexed = this.store.refreshPath(file, parsed);
      return { summary: indexed, parsed };
    }
    const id = validateThreadId(threadId);
    const summary = this.findStored(id);
    if (!summary) throw new RpcError(ErrorCode.InvalidRequest, `no rollout found for thread id ${id}`);
    const parsed = this.parseStored(summary);
    return { summary: this.store.get(id) ?? summary, parsed };
  }

  private threadFromStored(summary: ThreadSummary, parsed: ParsedRollout, params: ThreadResumeParams): LoadedThread {
    const recordedCwd = parsed.settings.cwd ?? summary.cwd;
    const cwd = resolveCwd(params.cwd ?? (fs.existsSync(recordedCwd) ? recordedCwd : null), process.cwd());
    const config = effectiveConfigFor(this.server, params.config, cwd);
    const settings = resolveSettings(params, config, cwd, { modelProvider: summary.modelProvider, ...parsed.settings });
    const thread = new LoadedThread(
      {
        id: summary.id,
        sessionId: summary.sessionId,
        forkedFromId: summary.forkedFromId,
        createdAt: summary.createdAt,
        updatedAt: summary.updatedAt,
        settings,
        config,
        sessionConfig: params.config ?? null,
        ephemeral: false,
        rolloutPath: summary.path,
        source: summary.source,
        originator: summary.originator ?? 'codex_vscode',
        cliVersion: summary.cliVersion,
        gitInfo: summary.gitInfo,
        name: parsed.nameSeen ? parsed.name : summary.name,
        preview: parsed.preview || summary.preview,
        turns: parsed.turns,
        history: parsed.history,
        tokenUsage: parsed.tokenUsage,
        goal: parsed.goal,
      },
      this.manager,
      true,
    );
    if (hasSettingsOverride(params)) thread.persistSettings();
    return thread;
  }

  /** `thread/resume` with `history`: a new thread seeded with that model history. */
  private threadFromHistory(params: ThreadResumeParams, session: ClientSession): LoadedThread {
    const cwd = resolveCwd(params.cwd, process.cwd());
    const config = effectiveConfigFor(this.server, params.config, cwd);
    const settings = resolveSettings(params, config, cwd);
    const history: HistoryEntry[] = (params.history ?? []).map((item) => {
      if (typeof item.type !== 'string') throw new RpcError(ErrorCode.InvalidParams, 'Invalid params: history: every item needs a string `type`');
      return { turnId: null, item: item as ResponseItem };
    });
    const thread = this.createThread(session, cwd, {
      settings,
      config,
      sessionConfig: params.config ?? null,
      ephemeral: false,
      history,
    });
    thread.materialize();
    return thread;
  }

  /** A brand-new thread (start, fork, resume with history): a fresh id and rollout path, owned by this client. */
  private createThread(
    session: ClientSession,
    cwd: string,
    fields: Pick<LoadedThreadInit, 'settings' | 'config' | 'sessionConfig' | 'ephemeral'> &
      Partial<Pick<LoadedThreadInit, 'forkedFromId' | 'name' | 'preview' | 'turns' | 'history' | 'tokenUsage'>>,
  ): LoadedThread {
    const id = uuidv7();
    const now = new Date();
    const createdAt = Math.floor(now.getTime() / 1000);
    const thread = new LoadedThread(
      {
        ...emptyThreadContent(),
        forkedFromId: null,
        ...fields,
        id,
        sessionId: id,
        createdAt,
        updatedAt: createdAt,
        rolloutPath: fields.ephemeral ? null : this.store.newRolloutPath(id, now),
        source: 'vscode',
        originator: session.clientInfo?.name ?? 'codex_vscode',
        cliVersion: SERVER_VERSION,
        gitInfo: readGitInfo(cwd),
      },
      this.manager,
    );
    this.manager.add(thread, session);
    return thread;
  }

  private applyOverrides(thread: LoadedThread, params: ThreadResumeParams): void {
    if (!hasSettingsOverride(params)) return;
    const cwd = params.cwd ? resolveCwd(params.cwd, thread.cwd) : thread.cwd;
    const config = params.config ? effectiveConfigFor(this.server, params.config, cwd) : thread.config;
    const settings = resolveSettings(params, config, cwd, {
      cwd: thread.cwd,
      model: thread.model,
      modelProvider: thread.modelProvider,
      reasoningEffort: thread.reasoningEffort,
      approvalPolicy: thread.approvalPolicy,
      approvalsReviewer: thread.approvalsReviewer,
      sandboxPolicy: thread.sandbox,
      baseInstructions: thread.baseInstructions,
      developerInstructions: thread.developerInstructions,
    });
    Object.assign(thread, settings, { config }, params.config ? { sessionConfig: params.config } : {});
    thread.persistSettings();
  }

  private forkSource(params: ThreadForkParams): {
    id: string;
    turns: Turn[];
    history: HistoryEntry[];
    settings: RolloutSettings;
    name: string | null;
    preview: string;
    tokenUsage: LoadedThread['tokenUsage'];
  } {
    const loaded = params.path ? undefined : this.manager.findLoaded(params.threadId);
    if (loaded) {
      return {
        id: loaded.id,
        turns: loaded.turns,
        history: [...loaded.historyWithTurns],
        settings: { ...loaded.settings, sandboxPolicy: loaded.sandbox },
        name: loaded.name,
        preview: loaded.preview,
        tokenUsage: loaded.tokenUsage,
      };
    }
    const { summary, parsed } = this.loadStored(params.threadId, params.path);
    return {
      id: summary.id,
      turns: parsed.turns,
      history: parsed.history,
      settings: { modelProvider: summary.modelProvider, ...parsed.settings },
      name: parsed.nameSeen ? parsed.name : summary.name,
      preview: parsed.preview || summary.preview,
      tokenUsage: parsed.tokenUsage,
    };
  }

  private moveRollout(move: () => ThreadSummary): ThreadSummary {
    try {
      return move();
    } catch (error) {
      throw new RpcError(ErrorCode.InternalError, `could not move the rollout: ${(error as Error).message}`);
    }
  }

  /** Keeps the reference CLI's name index in step, so `codex resume` shows our names too. */
  private recordReferenceName(id: string, name: string): void {
    try {
      fs.appendFileSync(
        path.join(this.server.codexHome, REFERENCE_NAME_INDEX),
        JSON.stringify({ id, thread_name: name, updated_at: new Date().toISOString() }) + '\n',
      );
    } catch (error) {
      log.warn('could not update session_index.jsonl:', error);
    }
  }
}

function hasSettingsOverride(params: ThreadResumeParams): boolean {
  return Boolean(
    params.model ||
      params.modelProvider ||
      params.cwd ||
      params.approvalPolicy ||
      params.approvalsReviewer ||
      params.sandbox ||
      params.config ||
      params.baseInstructions ||
      params.developerInstructions,
  );
}

function appendToRollout(filePath: string, event: object): void {
  const writer = new RolloutWriter(filePath);
  try {
    writer.append('event_msg', event);
  } finally {
    writer.close();
  }
}

function validateListId(id: string, index: number): string {
  try {
    return validateThreadId(id);
  } catch {
    throw new RpcError(ErrorCode.InvalidParams, `Invalid params: excludedThreadIds.${index}: not a thread id: ${JSON.stringify(id)}`);
  }
}

function sourceKindOf(source: ThreadSummary['source']): ThreadSourceKind {
  if (typeof source === 'string') return source;
  if ('subAgent' in source) {
    const sub = source.subAgent as unknown;
    if (sub === 'review') return 'subAgentReview';
    if (sub === 'compact') return 'subAgentCompact';
    if (sub && typeof sub === 'object' && 'thread_spawn' in sub) return 'subAgentThreadSpawn';
    return 'subAgentOther';
  }
  return 'unknown';
}

/** Items a turn carries for each view: `summary` keeps the conversation (user and agent messages). */
function turnWithView(turn: Turn, view: TurnItemsView): Turn {
  const items =
    view === 'full' ? turn.items : view === 'summary' ? turn.items.filter((item) => item.type === 'userMessage' || item.type === 'agentMessage') : [];
  return { ...structuredClone(turn), items: structuredClone(items), itemsView: view };
}

/** A stored (not loaded) thread as a protocol Thread. */
export function threadFromSummary(summary: ThreadSummary, turns: Turn[]): Thread {
  return {
    id: summary.id,
    sessionId: summary.sessionId,
    forkedFromId: summary.forkedFromId,
    parentThreadId: null,
    preview: summary.preview,
    ephemeral: false,
    section: null,
    sectionEnteredAt: null,
    projectId: null,
    historyMode: 'paginated',
    modelProvider: summary.modelProvider,
    model: summary.model,
    reasoningEffort: summary.reasoningEffort,
    createdAt: summary.createdAt,
    updatedAt: summary.updatedAt,
    recencyAt: summary.updatedAt,
    status: { type: 'notLoaded' },
    path: summary.path,
    cwd: summary.cwd,
    cliVersion: summary.cliVersion,
    originator: summary.originator,
    source: summary.source,
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: summary.gitInfo,
    name: summary.name,
    turns,
  };
}

/**
 * The v2 protocol has no `on-failure` (it was folded into `on-request`); the
 * thread keeps `on-failure` internally for its retry-after-sandbox-denial
 * behaviour but reports `on-request`, as the reference does.
 */
function wireApprovalPolicy(policy: AskForApproval): AskForApproval {
  return policy === 'on-failure' ? 'on-request' : policy;
}
