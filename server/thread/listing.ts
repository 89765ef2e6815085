/** Reading and paging threads: thread/read, thread/list, thread/turns/list, thread/loaded/list. */
import path from 'node:path';
import { invalidParams, invalidRequest } from '../rpc/errors';
import { decodeCursor, encodeCursor } from '../rpc/cursor';
import type { Thread, Turn, TurnItemsView } from '../../protocol/items';
import type { ThreadListParams, ThreadListResponse, ThreadSourceKind, ThreadTurnsListParams, ThreadTurnsListResponse } from '../../protocol/thread';
import type { ThreadSummary } from '../rollout/summary';
import { validateThreadId, type ThreadManager } from './manager';
import { threadFromSummary, type StoredThreads } from './storedThreads';

const DEFAULT_LIST_LIMIT = 25;
const MAX_LIST_LIMIT = 200;
const DEFAULT_TURNS_LIMIT = 50;
/** Sources listed when `sourceKinds` is omitted: interactive sessions. */
const INTERACTIVE_SOURCES: ThreadSourceKind[] = ['cli', 'vscode'];

export class ThreadListing {
  private readonly sortCache = new Map<string, { version: number; list: ThreadSummary[] }>();

  constructor(
    private readonly manager: ThreadManager,
    private readonly stored: StoredThreads,
  ) {}

  read(threadId: string, includeTurns: boolean): { thread: Thread } {
    const id = validateThreadId(threadId);
    const loaded = this.manager.findLoaded(id);
    if (loaded) return { thread: loaded.toThread(includeTurns) };
    const summary = this.stored.requireStored(id);
    const turns = includeTurns ? this.stored.parseStored(summary).turns : [];
    return { thread: threadFromSummary(summary, turns) };
  }

  list(params: ThreadListParams): ThreadListResponse {
    if (params.originators && params.originators.length > 0) {
      throw invalidRequest('originators filtering is only supported by hosted backends');
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

    this.stored.store.syncExternal();
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
    const version = (this.stored.store.ensureLoaded(), this.stored.store.version);
    const cached = this.sortCache.get(cacheKey);
    if (cached && cached.version === version) return cached.list;
    const key = (s: ThreadSummary) => (byUpdated ? s.updatedAt : s.createdAt);
    const list = this.stored.store.all().sort((a, b) => direction * (key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    this.sortCache.set(cacheKey, { version, list });
    return list;
  }

  turnsList(params: ThreadTurnsListParams): ThreadTurnsListResponse {
    const id = validateThreadId(params.threadId);
    const loaded = this.manager.findLoaded(id);
    const turns = loaded ? loaded.turns : this.stored.parseStored(this.stored.requireStored(id)).turns;
    const ordered = params.sortDirection === 'asc' ? [...turns] : [...turns].reverse();
    let start = 0;
    if (params.cursor) {
      const cursor = decodeCursor(params.cursor, (v): v is { turnId: string; inc?: boolean } => typeof v?.turnId === 'string');
      const at = ordered.findIndex((turn) => turn.id === cursor.turnId);
      if (at < 0) throw invalidRequest(`invalid cursor: turn ${cursor.turnId} is not in thread ${id}`);
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

  /** The turns of a thread, loaded or stored (thread/items/list pages them). */
  turnsOf(threadId: string): Turn[] {
    const id = validateThreadId(threadId);
    const loaded = this.manager.findLoaded(id);
    return loaded ? loaded.turns : this.stored.parseStored(this.stored.requireStored(id)).turns;
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
}

function validateListId(id: string, index: number): string {
  try {
    return validateThreadId(id);
  } catch {
    throw invalidParams(`Invalid params: excludedThreadIds.${index}: not a thread id: ${JSON.stringify(id)}`);
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
