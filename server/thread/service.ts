/**
 * The thread lifecycle behind the `thread/*` methods: creating, resuming and
 * forking loaded threads, names, archiving and subscriptions. Listing lives
 * in ./listing.ts, goals in ./goals.ts, stored-thread access in
 * ./storedThreads.ts; handlers in ./index.ts only parse params and call in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { AppServer } from '../core/appServer';
import type { ClientSession } from '../core/session';
import { afterResponse } from '../rpc/afterResponse';
import { invalidParams, invalidRequest } from '../rpc/errors';
import type { AskForApproval, Thread, Turn } from '../../protocol/items';
import type { ThreadForkParams, ThreadResumeParams, ThreadResumeResponse, ThreadSessionResponse, ThreadStartParams } from '../../protocol/thread';
import type { ParsedRollout, RolloutSettings } from '../rollout/reader';
import type { ThreadSummary } from '../rollout/summary';
import type { HistoryEntry } from '../rollout/format';
import { SERVER_VERSION } from '../version';
import { LoadedThread, type ResponseItem } from './loadedThread';
import { emptyThreadContent, type LoadedThreadInit } from './threadInit';
import { threadManagerOf, validateThreadId, type ThreadManager } from './manager';
import { admitNewThread, effectiveConfigFor, readGitInfo, resolveCwd, resolveSettings } from './settings';
import { instructionSourcesFor } from './instructions';
import { applyResumeOverrides, hasSettingsOverride } from './overrides';
import { ThreadListing } from './listing';
import { ThreadGoals } from './goals';
import { appendToRollout, StoredThreads, threadFromSummary } from './storedThreads';

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class ThreadService {
  readonly manager: ThreadManager;
  readonly stored: StoredThreads;
  readonly listing: ThreadListing;
  readonly goals: ThreadGoals;

  constructor(readonly server: AppServer) {
    this.manager = threadManagerOf(server);
    this.stored = new StoredThreads(server.codexHome);
    this.listing = new ThreadListing(this.manager, this.stored);
    this.goals = new ThreadGoals(server, this.manager, this.stored);
    this.manager.onChange((thread) => this.stored.indexLoaded(thread));
    server.onDispose(() => {
      for (const thread of this.manager.loadedThreads()) this.stored.indexLoaded(thread);
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
    afterResponse(() => {
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
        throw invalidRequest(`thread ${thread.id} is running from ${thread.rolloutPath}, not ${params.path}`);
      }
      this.manager.subscribe(thread, session);
      applyResumeOverrides(this.server, thread, params);
    } else if (params.history && params.history.length > 0) {
      thread = this.threadFromHistory(params, session);
    } else {
      const { summary, parsed } = this.stored.loadStored(params.threadId, params.path);
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
    afterResponse(() => {
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
      if (cut < 0) throw invalidRequest(`turn not found in thread ${source.id}: ${params.lastTurnId}`);
      if (source.turns[cut].status === 'inProgress') throw invalidRequest(`turn ${params.lastTurnId} is still in progress`);
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
    afterResponse(() => {
      if (thread.tokenUsage && lastTurn) thread.notify('thread/tokenUsage/updated', { threadId: thread.id, turnId: lastTurn.id, tokenUsage: thread.tokenUsage });
      this.server.broadcast('thread/started', { thread: thread.toThread() });
    });
    return this.sessionResponse(thread, !params.excludeTurns);
  }

  // ------------------------------------------------------------ names, archive, subscriptions

  setName(threadId: string, rawName: string): Record<string, never> {
    const id = validateThreadId(threadId);
    const name = rawName.trim();
    if (!name) throw invalidParams('Invalid params: name: must not be empty');
    const loaded = this.manager.findLoaded(id);
    if (loaded) {
      loaded.setName(name);
    } else {
      const summary = this.stored.requireStored(id);
      appendToRollout(summary.path, { type: 'thread_name_updated', thread_id: id, thread_name: name });
      this.stored.store.upsert({ ...summary, name, updatedAt: nowSeconds() });
    }
    if (!loaded?.ephemeral) this.stored.recordReferenceName(id, name);
    afterResponse(() => this.server.broadcast('thread/name/updated', { threadId: id, threadName: name }));
    return {};
  }

  archive(threadId: string): Record<string, never> {
    const id = validateThreadId(threadId);
    const loaded = this.manager.findLoaded(id);
    if (loaded?.activeTurn) throw invalidRequest(`thread ${id} has a turn in progress; interrupt it before archiving`);
    // A loaded thread without content yet gets its rollout now, so it can be archived (as the reference does).
    if (loaded && !loaded.ephemeral && !loaded.materialized) loaded.materialize();
    const summary = this.stored.findStored(id);
    if (!summary) throw invalidRequest(`no rollout found for thread id ${id}`);
    if (summary.archived) throw invalidRequest(`thread ${id} is already archived`);
    // Move first: if that fails the thread stays loaded and nothing changed.
    const archived = this.stored.moveRollout(() => this.stored.store.archive(id));
    if (loaded) {
      loaded.setStatus({ type: 'notLoaded' });
      this.manager.unload(id);
      // Anyone still holding the unloaded thread writes into the archived file, never a new one.
      loaded.relocateRollout(archived.path);
    }
    afterResponse(() => this.server.broadcast('thread/archived', { threadId: id }));
    return {};
  }

  unarchive(threadId: string): { thread: Thread } {
    const id = validateThreadId(threadId);
    const summary = this.stored.findStored(id);
    if (!summary) throw invalidRequest(`no rollout found for thread id ${id}`);
    if (!summary.archived) throw invalidRequest(`thread ${id} is not archived`);
    const updated = this.stored.moveRollout(() => this.stored.store.unarchive(id));
    const loaded = this.manager.findLoaded(id);
    loaded?.relocateRollout(updated.path);
    afterResponse(() => this.server.broadcast('thread/unarchived', { threadId: id }));
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
      if (typeof item.type !== 'string') throw invalidParams('Invalid params: history: every item needs a string `type`');
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
        rolloutPath: fields.ephemeral ? null : this.stored.store.newRolloutPath(id, now),
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
    const { summary, parsed } = this.stored.loadStored(params.threadId, params.path);
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
}

/**
 * The v2 protocol has no `on-failure` (it was folded into `on-request`); the
 * thread keeps `on-failure` internally for its retry-after-sandbox-denial
 * behaviour but reports `on-request`, as the reference does.
 */
function wireApprovalPolicy(policy: AskForApproval): AskForApproval {
  return policy === 'on-failure' ? 'on-request' : policy;
}
