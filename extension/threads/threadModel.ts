/**
 * Pure model of the Threads view: the thread pages loaded with `thread/list`,
 * kept current by server notifications, and turned into display nodes
 * (date groups, "Load more", an Archived section). No `vscode` import, so it
 * is unit-tested directly and against a real server.
 */
import type { NotificationArgs, Thread, ThreadStatus, UserMessageItem } from '../../protocol';
import type { Requester } from '../services';
import { withoutAddedContext } from '../../shared/addedContext';

/** The fields of the protocol's `Thread` that the view uses. */
export type ThreadSummary = Pick<Thread, 'id' | 'name' | 'preview' | 'createdAt' | 'updatedAt' | 'status' | 'path' | 'cwd'> &
  Partial<Pick<Thread, 'recencyAt' | 'forkedFromId'>>;

interface ThreadListPage {
  data: ThreadSummary[];
  nextCursor: string | null;
}

type DateGroup = 'Today' | 'Yesterday' | 'Earlier';

const PAGE_SIZE = 25;
const LABEL_MAX = 80;

/** Seconds-since-epoch timestamp of a thread's latest activity. */
function activityTime(thread: ThreadSummary): number {
  return thread.recencyAt ?? thread.updatedAt ?? thread.createdAt;
}

/** Today / Yesterday / Earlier by local calendar day. */
export function dateGroupOf(timestampSeconds: number, now: Date): DateGroup {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const startOfYesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1).getTime();
  const ms = timestampSeconds * 1000;
  if (ms >= startOfToday) return 'Today';
  if (ms >= startOfYesterday) return 'Yesterday';
  return 'Earlier';
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date. */
export function relativeTime(timestampSeconds: number, now: Date): string {
  const seconds = Math.max(0, Math.round(now.getTime() / 1000 - timestampSeconds));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} d ago`;
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

/** The thread's name, else the first line of its preview, else a placeholder. */
export function threadLabel(thread: ThreadSummary): string {
  const name = thread.name?.trim();
  if (name) return truncate(name, LABEL_MAX);
  const firstLine = withoutAddedContext(thread.preview ?? '').split(/\r?\n/).find((line) => line.trim() !== '')?.trim();
  return firstLine ? truncate(firstLine, LABEL_MAX) : '(empty thread)';
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type StatusKind = 'active' | 'idle' | 'error' | 'notLoaded';

interface StatusPresentation {
  kind: StatusKind;
  /** Codicon id for the tree item icon. */
  icon: string;
  text: string;
}

export function statusPresentation(status: ThreadStatus | undefined): StatusPresentation {
  switch (status?.type) {
    case 'active': {
      const flags = status.activeFlags ?? [];
      const waiting = flags.includes('waitingOnApproval') ? 'waiting for approval' : flags.includes('waitingOnUserInput') ? 'waiting for input' : 'running';
      return { kind: 'active', icon: 'loading~spin', text: waiting };
    }
    case 'systemError':
      return { kind: 'error', icon: 'error', text: 'error' };
    case 'idle':
      return { kind: 'idle', icon: 'comment-discussion', text: 'idle' };
    default:
      return { kind: 'notLoaded', icon: 'comment', text: '' };
  }
}

export type ThreadNode =
  | { kind: 'group'; label: DateGroup; children: ThreadNode[] }
  | { kind: 'archivedSection'; children: ThreadNode[] }
  | { kind: 'thread'; thread: ThreadSummary; archived: boolean; label: string; description: string; status: StatusPresentation }
  | { kind: 'loadMore'; archived: boolean }
  | { kind: 'message'; text: string; severity?: 'error' | 'loading' }
  /** Shown under a load failure: runs `codex.threads.refresh`. */
  | { kind: 'retry'; label: string };

interface ListState {
  threads: ThreadSummary[];
  nextCursor: string | null;
  loaded: boolean;
}

function emptyList(): ListState {
  return { threads: [], nextCursor: null, loaded: false };
}

/**
 * Holds the active and archived thread lists, pages them in, and applies
 * server notifications. `onChange` fires after every mutation.
 */
export class ThreadListModel {
  private active = emptyList();
  private archived = emptyList();
  private term: string | undefined;
  private generation = 0;
  /** Pending debounced `thread/read` calls by thread id, and the pending full refresh. */
  private readonly rereadTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private serverReady = false;
  /**
   * Notifications that arrived while the newest `thread/list` was in flight:
   * its pages may predate them, so they are applied again on top of its answer.
   */
  private arrivedDuringRefresh: NotificationArgs[] | undefined;
  private replaying = false;
  lastError: string | undefined;

  constructor(
    private readonly request: Requester,
    private readonly onChange: () => void = () => undefined,
    private readonly options: { pageSize?: number; cwd?: string; followUpDelayMs?: number } = {},
  ) {}

  /** Cancels pending follow-up reads. */
  dispose(): void {
    for (const timer of this.rereadTimers.values()) clearTimeout(timer);
    this.rereadTimers.clear();
    clearTimeout(this.refreshTimer);
  }

  get searchTerm(): string | undefined {
    return this.term;
  }

  get activeThreads(): readonly ThreadSummary[] {
    return this.active.threads;
  }

  get archivedThreads(): readonly ThreadSummary[] {
    return this.archived.threads;
  }

  get hasMoreActive(): boolean {
    return this.active.nextCursor !== null;
  }

  get hasMoreArchived(): boolean {
    return this.archived.nextCursor !== null;
  }

  find(threadId: string): ThreadSummary | undefined {
    return this.active.threads.find((t) => t.id === threadId) ?? this.archived.threads.find((t) => t.id === threadId);
  }

  /** True while the newest refresh is in flight. */
  get isLoading(): boolean {
    return this.arrivedDuringRefresh !== undefined;
  }

  /**
   * Follows the connection: the lists load as soon as the server is ready
   * (first start and every restart: statuses do not survive a restart).
   */
  setServerReady(ready: boolean, downReason?: string): Promise<void> {
    const changed = this.serverReady !== ready || (!this.active.loaded && downReason !== undefined && this.lastError !== downReason);
    this.serverReady = ready;
    if (ready) return this.refresh();
    // Died or could not start before the first answer: a failure to load, said as such.
    if (!this.active.loaded && downReason !== undefined && !this.isLoading) this.lastError = downReason;
    if (changed) this.onChange();
    return Promise.resolve();
  }

  /** Reloads the first page of both lists. */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const arrived: NotificationArgs[] = [];
    this.arrivedDuringRefresh = arrived;
    this.onChange();
    try {
      const [active, archived] = await Promise.all([this.fetch(false, null), this.fetch(true, null)]);
      if (generation !== this.generation) return; // a newer refresh (e.g. a new search) won
      this.active = { threads: active.data, nextCursor: active.nextCursor, loaded: true };
      this.archived = { threads: archived.data, nextCursor: archived.nextCursor, loaded: true };
      this.lastError = undefined;
      this.arrivedDuringRefresh = undefined;
      this.replay(arrived);
    } catch (error) {
      if (generation !== this.generation) return;
      this.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) this.arrivedDuringRefresh = undefined;
    }
    this.onChange();
  }

  /** Applies notifications the fresh pages may predate, then settles with the server once more. */
  private replay(arrived: NotificationArgs[]): void {
    if (arrived.length === 0) return;
    this.replaying = true;
    try {
      for (const notification of arrived) this.applyNotification(...notification);
    } finally {
      this.replaying = false;
    }
    this.scheduleRefresh();
  }

  async setSearchTerm(term: string | undefined): Promise<void> {
    this.term = term?.trim() ? term.trim() : undefined;
    await this.refresh();
  }

  /** Appends the next page of the active (or archived) list. */
  async loadMore(archived: boolean): Promise<void> {
    const list = archived ? this.archived : this.active;
    if (list.nextCursor === null) return;
    const generation = this.generation;
    const page = await this.fetch(archived, list.nextCursor);
    if (generation !== this.generation) return;
    const known = new Set(list.threads.map((t) => t.id));
    list.threads.push(...page.data.filter((t) => !known.has(t.id)));
    list.nextCursor = page.nextCursor;
    this.onChange();
  }

  private fetch(archived: boolean, cursor: string | null): Promise<ThreadListPage> {
    return this.request('thread/list', {
      cursor,
      limit: this.options.pageSize ?? PAGE_SIZE,
      sortKey: 'updated_at',
      archived,
      cwd: this.options.cwd ?? null,
      searchTerm: this.term ?? null,
    });
  }

  /** Reloads the lists shortly, once for a burst of calls. */
  scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, this.followUpDelay);
  }

  /**
   * Re-reads one thread with `thread/read` shortly, once for a burst of calls.
   * Notifications never carry a thread's new preview or times (`thread/started`
   * comes before the first message), so the server's stored view is fetched.
   */
  scheduleReread(threadId: string): void {
    clearTimeout(this.rereadTimers.get(threadId));
    this.rereadTimers.set(
      threadId,
      setTimeout(() => {
        this.rereadTimers.delete(threadId);
        void this.reread(threadId);
      }, this.followUpDelay),
    );
  }

  /** Replaces a listed thread's fields with the server's; failures leave it as it was. */
  async reread(threadId: string): Promise<void> {
    let fresh: ThreadSummary | undefined;
    try {
      fresh = (await this.request('thread/read', { threadId, includeTurns: false }))?.thread;
    } catch {
      return; // e.g. the thread was deleted meanwhile; the next refresh settles it
    }
    const listed = this.find(threadId);
    if (!fresh || !listed) return;
    Object.assign(listed, pickSummary(fresh));
    this.onChange();
  }

  private get followUpDelay(): number {
    return this.options.followUpDelayMs ?? 300;
  }

  /**
   * Applies a server notification; returns true when it touched the lists.
   * Notifications about threads outside the loaded pages schedule a refresh,
   * and a finished turn schedules a re-read of its thread.
   */
  applyNotification(...notification: NotificationArgs): boolean {
    this.arrivedDuringRefresh?.push(notification);
    const [method, params] = notification;
    switch (method) {
      case 'thread/started': {
        const thread: ThreadSummary | undefined = params?.thread;
        if (!thread) return false;
        const listed = this.find(thread.id);
        if (listed && this.replaying) return false; // the fresh page already has its stored fields
        if (listed) {
          // A resumed thread: the notification carries its current stored fields.
          Object.assign(listed, pickSummary(thread));
          break;
        }
        if (this.term && !threadLabel(thread).toLowerCase().includes(this.term.toLowerCase())) return false;
        this.active.threads.unshift(thread);
        break;
      }
      case 'thread/name/updated': {
        const thread = this.find(params?.threadId);
        if (!thread) return this.refreshForUnlisted();
        thread.name = params.threadName ?? null;
        break;
      }
      case 'item/completed': {
        // The first user message is the thread's preview: show it at once, before the turn ends.
        const thread = this.find(params?.threadId);
        const text = params?.item?.type === 'userMessage' ? userMessageText(params.item) : '';
        if (!thread || thread.preview || !text) return false;
        thread.preview = text;
        break;
      }
      case 'turn/completed': {
        const threadId: string | undefined = params?.threadId;
        if (!threadId) return false;
        if (this.find(threadId)) this.scheduleReread(threadId);
        else this.refreshForUnlisted();
        return false;
      }
      case 'thread/status/changed': {
        const thread = this.find(params?.threadId);
        if (!thread) return false;
        thread.status = params.status;
        if (params.status?.type === 'active') thread.updatedAt = Math.max(thread.updatedAt, Math.floor(Date.now() / 1000));
        break;
      }
      case 'thread/archived':
        if (!moveBetween(this.active, this.archived, params?.threadId)) return this.refreshForUnlisted();
        break;
      case 'thread/unarchived':
        if (!moveBetween(this.archived, this.active, params?.threadId)) return this.refreshForUnlisted();
        break;
      case 'thread/deleted':
        if (!removeFrom(this.active, params?.threadId) && !removeFrom(this.archived, params?.threadId)) return false;
        break;
      default:
        return false;
    }
    this.onChange();
    return true;
  }

  /** A thread not on a loaded page changed: only the server knows where it belongs now. */
  private refreshForUnlisted(): false {
    this.scheduleRefresh();
    return false;
  }

  /** The display tree. */
  nodes(now: Date = new Date()): ThreadNode[] {
    const roots: ThreadNode[] = [];
    if (this.lastError) {
      roots.push({ kind: 'message', severity: 'error', text: `Could not load threads: ${this.lastError}` }, { kind: 'retry', label: this.isLoading ? 'Retrying…' : 'Retry' });
    } else if (!this.active.loaded) {
      // Nothing to show yet: say why rather than show an empty view.
      roots.push({ kind: 'message', severity: 'loading', text: this.serverReady || this.isLoading ? 'Loading threads…' : 'Waiting for the Codex server…' });
    }
    const groups = new Map<DateGroup, ThreadNode[]>();
    const sorted = [...this.active.threads].sort((a, b) => activityTime(b) - activityTime(a));
    for (const thread of sorted) {
      const group = dateGroupOf(activityTime(thread), now);
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group)!.push(threadNode(thread, false, now));
    }
    for (const label of ['Today', 'Yesterday', 'Earlier'] as const) {
      const children = groups.get(label);
      if (children) roots.push({ kind: 'group', label, children });
    }
    if (this.active.loaded && this.active.threads.length === 0 && !this.lastError) {
      roots.push({ kind: 'message', text: this.term ? `No threads match "${this.term}"` : 'No threads yet' });
    }
    if (this.active.nextCursor !== null) roots.push({ kind: 'loadMore', archived: false });
    if (this.archived.threads.length > 0) {
      const children: ThreadNode[] = this.archived.threads.map((t) => threadNode(t, true, now));
      if (this.archived.nextCursor !== null) children.push({ kind: 'loadMore', archived: true });
      roots.push({ kind: 'archivedSection', children });
    }
    return roots;
  }
}

function threadNode(thread: ThreadSummary, archived: boolean, now: Date): ThreadNode {
  const status = statusPresentation(thread.status);
  const when = relativeTime(activityTime(thread), now);
  const description = status.kind === 'active' || status.kind === 'error' ? `${status.text} · ${when}` : when;
  return { kind: 'thread', thread, archived, label: threadLabel(thread), description, status };
}

/** The listed fields of a `Thread` from `thread/read`, leaving out its turns. */
function pickSummary(thread: ThreadSummary): Partial<ThreadSummary> {
  const { name, preview, createdAt, updatedAt, recencyAt, status, path, cwd, forkedFromId } = thread;
  return { name, preview, createdAt, updatedAt, recencyAt, status, path, cwd, forkedFromId };
}

/** The text parts of a `userMessage` item, joined. */
function userMessageText(item: UserMessageItem): string {
  return withoutAddedContext(
    (item.content ?? [])
      .flatMap((part) => (part.type === 'text' && typeof part.text === 'string' ? [part.text] : []))
      .join('\n'),
  );
}

function removeFrom(list: ListState, threadId: string | undefined): boolean {
  const index = list.threads.findIndex((t) => t.id === threadId);
  if (index < 0) return false;
  list.threads.splice(index, 1);
  return true;
}

function moveBetween(from: ListState, to: ListState, threadId: string | undefined): boolean {
  const index = from.threads.findIndex((t) => t.id === threadId);
  if (index < 0) return false;
  const [thread] = from.threads.splice(index, 1);
  if (!to.threads.some((t) => t.id === thread.id)) to.threads.unshift(thread);
  return true;
}
