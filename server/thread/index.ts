import type { NamespaceModule } from '../core/appServer';
import {
  ThreadForkParams,
  ThreadGoalClearParams,
  ThreadGoalSetParams,
  ThreadIdParams,
  ThreadItemsListParams,
  ThreadListParams,
  ThreadLoadedListParams,
  ThreadReadParams,
  ThreadResumeParams,
  ThreadRevertParams,
  ThreadShellCommandParams,
  ThreadSetNameParams,
  ThreadStartParams,
  ThreadTurnsListParams,
} from '../../protocol/thread';
import { listThreadItems } from './itemsList';
import { ThreadService } from './service';
import { startThreadServers } from '../mcp';
import { startUserShellCommand } from './shellCommand';
import { revertThread } from './revert';
import { deleteThread } from './delete';

const services = new WeakMap<object, ThreadService>();

/** The thread service of a server (threads, store, index). */
function threadServiceOf(server: Parameters<NamespaceModule>[1]): ThreadService {
  let service = services.get(server);
  if (!service) {
    service = new ThreadService(server);
    services.set(server, service);
  }
  return service;
}

/** `thread/*`: lifecycle, listing, names, archive, goals. Turns live in server/turn. */
export const threadModule: NamespaceModule = (registry, server) => {
  const threads = threadServiceOf(server);
  registry.register('thread/start', ThreadStartParams, async (params, session) => {
    const response = threads.start(params, session);
    // MCP servers start with the thread; a required one that fails fails the start (server/mcp).
    await startThreadServers(server, threads.manager.getLoaded(response.thread.id));
    return response;
  });
  registry.register('thread/resume', ThreadResumeParams, (params, session) => threads.resume(params, session));
  registry.register('thread/fork', ThreadForkParams, (params, session) => threads.fork(params, session));
  registry.register('thread/read', ThreadReadParams, (params) => threads.listing.read(params.threadId, params.includeTurns ?? false));
  registry.register('thread/list', ThreadListParams, (params) => threads.listing.list(params));
  registry.register('thread/turns/list', ThreadTurnsListParams, (params) => threads.listing.turnsList(params));
  registry.register('thread/items/list', ThreadItemsListParams, (params) => listThreadItems(params.threadId, threads.listing.turnsOf(params.threadId), params));
  registry.register('thread/loaded/list', ThreadLoadedListParams, (params) => threads.listing.loadedList(params.cursor, params.limit));
  registry.register('thread/name/set', ThreadSetNameParams, (params) => threads.setName(params.threadId, params.name));
  registry.register('thread/archive', ThreadIdParams, (params) => threads.archive(params.threadId));
  registry.register('thread/unarchive', ThreadIdParams, (params) => threads.unarchive(params.threadId));
  registry.register('thread/unsubscribe', ThreadIdParams, (params, session) => threads.unsubscribe(params.threadId, session));
  registry.register('thread/shellCommand', ThreadShellCommandParams, (params, session) => {
    const thread = threads.manager.getLoaded(params.threadId);
    threads.manager.subscribe(thread, session);
    return startUserShellCommand(thread, params.command, params.timeoutMs);
  });
  registry.register('thread/revert', ThreadRevertParams, (params) => revertThread(threads, params.threadId, params.beforeTurnId));
  registry.register('thread/delete', ThreadIdParams, (params) => deleteThread(threads, params.threadId));
  registry.register('thread/goal/set', ThreadGoalSetParams, (params) => threads.goals.set(params));
  registry.register('thread/goal/get', ThreadIdParams, (params) => threads.goals.get(params.threadId));
  registry.register('thread/goal/clear', ThreadGoalClearParams, (params) => threads.goals.clear(params.threadId));
};
