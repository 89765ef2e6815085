/**
 * `thread/revert {threadId, beforeTurnId}`: the turn and every later one leave
 * the conversation; the model never sees them again. As with the reference,
 * the thread passes through notLoaded → idle while its history is replaced,
 * then `thread/reverted` follows the response. Files in the workspace are not
 * touched (the chat's "Undo to here" does that from the recorded diffs).
 */
import { invalidRequest } from '../rpc/errors';
import type { ThreadRevertResponse } from '../../protocol/thread';
import { turnStateOf } from '../turn/state';
import { afterResponse } from '../rpc/afterResponse';
import { encodeCursor } from '../rpc/cursor';
import { validateThreadId } from './manager';
import type { ThreadService } from './service';

export function revertThread(threads: ThreadService, threadId: string, beforeTurnId: string): ThreadRevertResponse {
  const id = validateThreadId(threadId);
  const thread = threads.manager.findLoaded(id);
  if (!thread) throw invalidRequest(`thread not loaded: ${id}`);
  const state = turnStateOf(thread);
  if (state.active || state.userShell) throw invalidRequest(`thread ${id} has a turn in progress; interrupt it before reverting`);
  if (!thread.turns.some((turn) => turn.id === beforeTurnId)) throw invalidRequest(`turn not found: ${beforeTurnId}`);
  const previous = thread.status;
  thread.setStatus({ type: 'notLoaded' });
  thread.revertTo(beforeTurnId);
  thread.setStatus(previous.type === 'notLoaded' ? { type: 'idle' } : previous);
  afterResponse(() => thread.notify('thread/reverted', { threadId: id }));
  const last = thread.turns[thread.turns.length - 1];
  return {
    thread: thread.toThread(false),
    // The same cursor shape as thread/turns/list's backwardsCursor: the newest kept turn, included.
    turnsBackwardsCursor: last ? encodeCursor({ turnId: last.id, inc: true }) : null,
    itemsBackwardsCursor: null,
  };
}
