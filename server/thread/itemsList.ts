/**
 * `thread/items/list`: the items of a thread (or of one turn) in pages, oldest
 * first by default or newest first with `sortDirection: "desc"`, with opaque
 * cursors to go on (`nextCursor`) or back (`backwardsCursor`, inclusive), as
 * the reference pages them. A client opening a long thread asks for the last
 * page and fetches older ones as the user scrolls up.
 */
import type { ThreadItem, Turn } from '../../protocol/items';
import type { ThreadItemsListParams, ThreadItemsListResponse } from '../../protocol/thread';
import { invalidParams, invalidRequest } from '../rpc/errors';
import { decodeCursor, encodeCursor } from '../rpc/cursor';

export const DEFAULT_ITEMS_LIMIT = 100;
export const MAX_ITEMS_LIMIT = 1000;

/** Where a page starts: at (`inc`) or after an item, in the direction of the request. */
interface ItemCursor {
  turnId: string;
  itemId: string;
  inc?: boolean;
}

const isItemCursor = (value: any): value is ItemCursor => typeof value?.turnId === 'string' && typeof value?.itemId === 'string';

export function listThreadItems(threadId: string, turns: readonly Turn[], params: ThreadItemsListParams): ThreadItemsListResponse {
  if (params.deferOutput && (params.deferOutput.commandExecution || params.deferOutput.mcpToolCall)) {
    throw invalidParams('Invalid params: deferOutput: deferred outputs need thread/items/read, which this server does not offer; list without deferOutput');
  }
  const anchor = params.cursor && typeof params.cursor === 'object' ? params.cursor : null;
  if (anchor && !params.turnId) throw invalidParams('Invalid params: turnId is required when cursor is an item anchor');

  const entries: { turnId: string; item: ThreadItem }[] = [];
  for (const turn of turns) {
    if (params.turnId && turn.id !== params.turnId) continue;
    for (const item of turn.items) entries.push({ turnId: turn.id, item });
  }
  const descending = params.sortDirection === 'desc';
  if (descending) entries.reverse();

  let start = 0;
  if (anchor) {
    const at = entries.findIndex((entry) => entry.item.id === anchor.itemId);
    if (at < 0) throw invalidRequest(`invalid cursor: item ${anchor.itemId} is not in turn ${params.turnId} of thread ${threadId}`);
    start = at + 1;
  } else if (typeof params.cursor === 'string' && params.cursor) {
    const cursor = decodeItemCursor(params.cursor);
    const at = entries.findIndex((entry) => entry.item.id === cursor.itemId && entry.turnId === cursor.turnId);
    if (at < 0) throw invalidRequest(`invalid cursor: item ${cursor.itemId} is not in thread ${threadId}`);
    start = cursor.inc ? at : at + 1;
  }

  const limit = Math.min(MAX_ITEMS_LIMIT, Math.max(1, params.limit ?? DEFAULT_ITEMS_LIMIT));
  const page = entries.slice(start, start + limit);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    data: page.map(({ turnId, item }) => ({ turnId, item: structuredClone(item), startedAtMs: item.startedAtMs ?? null, completedAtMs: item.completedAtMs ?? null })),
    nextCursor: last && start + limit < entries.length ? encodeCursor({ turnId: last.turnId, itemId: last.item.id }) : null,
    backwardsCursor: first ? encodeCursor({ turnId: first.turnId, itemId: first.item.id, inc: true }) : null,
  };
}

/** Like the reference, a cursor this server never returned is an invalid request (-32600). */
function decodeItemCursor(cursor: string): ItemCursor {
  try {
    return decodeCursor(cursor, isItemCursor);
  } catch {
    throw invalidRequest(`invalid cursor: ${cursor}`);
  }
}
