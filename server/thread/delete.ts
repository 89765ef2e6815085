/**
 * `thread/delete {threadId}`: removes the thread's rollout file and its index
 * entry, unloads it (status notLoaded to its subscribers) and tells every
 * client `thread/deleted`. A second delete finds no rollout: a clear error.
 */
import fs from 'node:fs';
import { afterResponse } from '../rpc/afterResponse';
import { ErrorCode, invalidRequest, RpcError } from '../rpc/errors';
import { turnStateOf } from '../turn/state';
import { validateThreadId } from './manager';
import type { ThreadService } from './service';

export function deleteThread(threads: ThreadService, threadId: string): Record<string, never> {
  const id = validateThreadId(threadId);
  const loaded = threads.manager.findLoaded(id);
  if (loaded) {
    const state = turnStateOf(loaded);
    if (state.active || state.userShell) throw invalidRequest(`thread ${id} has a turn in progress; interrupt it before deleting`);
  }
  const summary = threads.stored.findStored(id);
  if (!summary && !loaded) throw invalidRequest(`no rollout found for thread id ${id}`);
  if (loaded) {
    loaded.setStatus({ type: 'notLoaded' });
    threads.manager.unload(id);
    loaded.close();
  }
  const file = summary?.path ?? loaded?.rolloutPath ?? null;
  if (file) {
    try {
      fs.rmSync(file, { force: true });
    } catch (error) {
      throw new RpcError(ErrorCode.InternalError, `could not delete ${file}: ${(error as Error).message}`);
    }
  }
  threads.stored.store.remove(id);
  afterResponse(() => threads.server.broadcast('thread/deleted', { threadId: id }));
  return {};
}
