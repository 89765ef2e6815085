/**
 * Opens a long thread page by page: the newest items first
 * (`thread/items/list`, newest first), older pages when the user scrolls up.
 * Turn outcomes (a failed turn's error, "Turn interrupted.") come from
 * `thread/turns/list` without items, fetched for the turns a page touches.
 */
import type { ChatEntry } from '../../webview/protocol';
import type { CodexClient } from '../client/codexClient';
import type { ThreadItem, Turn } from '../../protocol';
import { entryFromItem, Transcript, turnOutcomeEntry } from './transcript';

/** Items per page: enough to fill a tall view several times over. */
export const ITEMS_PAGE_SIZE = 150;
const TURNS_PAGE_SIZE = 100;
const METHOD_NOT_FOUND = -32601;

type Client = Pick<CodexClient, 'request'>;

export class ThreadPager {
  /** Cursor of the next older items page; null once the oldest item is loaded. */
  private itemsCursor: string | null = null;
  private started = false;
  private turnsCursor: string | null = null;
  private turnsDone = false;
  private readonly turns = new Map<string, Turn>();
  /** Turns already shown: their outcome line sits after their newest items, in the first page that had them. */
  private readonly seenTurns = new Set<string>();
  private loading: Promise<ChatEntry[]> | undefined;
  /** The server cannot page this thread's items: whole turns are paged instead. */
  private byTurns = false;

  constructor(
    private readonly client: Client,
    readonly threadId: string,
    private readonly pageSize = ITEMS_PAGE_SIZE,
  ) {}

  get hasOlder(): boolean {
    return !this.started || this.itemsCursor !== null;
  }

  /** The turn still running when the thread was opened, if any. */
  get runningTurnId(): string | undefined {
    for (const turn of this.turns.values()) if (turn.status === 'inProgress') return turn.id;
    return undefined;
  }

  /** The newest page, oldest entry first. */
  latest(): Promise<ChatEntry[]> {
    return this.older();
  }

  /** The next older page (oldest entry first); empty once everything is loaded. One request at a time. */
  older(): Promise<ChatEntry[]> {
    this.loading ??= this.fetchOlder().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchOlder(): Promise<ChatEntry[]> {
    if (!this.hasOlder) return [];
    if (this.byTurns) return this.fetchOlderTurns();
    let page;
    try {
      page = await this.client.request('thread/items/list', {
        threadId: this.threadId,
        sortDirection: 'desc',
        limit: this.pageSize,
        cursor: this.started ? this.itemsCursor : null,
      });
    } catch (error) {
      // The reference pages items only for threads it stores in its database; older (file-only) threads are paged by turns.
      if (this.started || (error as { code?: unknown }).code !== METHOD_NOT_FOUND) throw error;
      this.byTurns = true;
      return this.fetchOlderTurns();
    }
    this.started = true;
    this.itemsCursor = page.nextCursor;
    const items = [...page.data].reverse();
    await this.loadTurns(new Set(items.map((entry) => entry.turnId)));
    return this.entriesOf(items);
  }

  /** A page of whole turns (newest first), for servers that cannot page this thread's items. */
  private async fetchOlderTurns(): Promise<ChatEntry[]> {
    const page = await this.client.request('thread/turns/list', {
      threadId: this.threadId,
      sortDirection: 'desc',
      // A turn holds at least two items, often many more.
      limit: Math.max(1, Math.ceil(this.pageSize / 4)),
      itemsView: 'full',
      cursor: this.started ? this.itemsCursor : null,
    });
    this.started = true;
    this.itemsCursor = page.nextCursor;
    for (const turn of page.data) this.turns.set(turn.id, turn);
    return Transcript.entriesFromTurns([...page.data].reverse());
  }

  /** Fetches turn outcomes (newest first, no items) until every turn of the page is known. */
  private async loadTurns(needed: Set<string>): Promise<void> {
    const missing = () => [...needed].some((id) => !this.turns.has(id));
    while (missing() && !this.turnsDone) {
      const page = await this.client.request('thread/turns/list', {
        threadId: this.threadId,
        sortDirection: 'desc',
        limit: TURNS_PAGE_SIZE,
        itemsView: 'notLoaded',
        cursor: this.turnsCursor,
      });
      for (const turn of page.data) this.turns.set(turn.id, turn);
      this.turnsCursor = page.nextCursor;
      this.turnsDone = page.nextCursor === null;
    }
  }

  private entriesOf(items: { turnId: string; item: ThreadItem }[]): ChatEntry[] {
    const entries: ChatEntry[] = [];
    const firstSeenHere = new Set<string>();
    for (const { turnId } of items) if (!this.seenTurns.has(turnId)) firstSeenHere.add(turnId);
    items.forEach(({ turnId, item }, index) => {
      const entry = entryFromItem(item, false);
      if (entry) entries.push(entry);
      const lastOfTurnHere = items[index + 1]?.turnId !== turnId;
      const turn = this.turns.get(turnId);
      if (lastOfTurnHere && firstSeenHere.has(turnId) && turn) {
        const outcome = turnOutcomeEntry(turn);
        if (outcome) entries.push(outcome);
      }
    });
    for (const id of firstSeenHere) this.seenTurns.add(id);
    return entries;
  }
}
