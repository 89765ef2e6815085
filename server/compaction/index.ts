/**
 * `thread/compact/start`: answers `{}` at once, then runs a turn that only
 * compacts the thread's history (see compactor.ts). Automatic compaction runs
 * inside ordinary turns (server/turn/engine.ts calls the same compactor).
 */
import type { NamespaceModule } from '../core/appServer';
import { ThreadIdParams } from '../../protocol/thread';
import { invalidRequest } from '../rpc/errors';
import { threadManagerOf } from '../thread/manager';
import { TurnRunner } from '../turn/engine';
import { turnStateOf } from '../turn/state';

export const compactionModule: NamespaceModule = (registry, server) => {
  const threads = threadManagerOf(server);

  registry.register('thread/compact/start', ThreadIdParams, (params, session) => {
    const thread = threads.getLoaded(params.threadId);
    threads.subscribe(thread, session);
    const state = turnStateOf(thread);
    if (state.active) throw invalidRequest(`a turn is running in thread ${thread.id}; compact it once that turn has ended`);
    const turn = thread.beginTurn();
    thread.setStatus({ type: 'active', activeFlags: [] });
    thread.notify('turn/started', { threadId: thread.id, turn: { ...turn, items: [], itemsView: 'notLoaded' } });
    const runner = new TurnRunner(server, thread, turn, session, [], null, null, null, 'compact');
    state.active = runner;
    // Answer first; the compaction turn streams its notifications afterwards.
    setImmediate(() => void runner.run());
    return {};
  });
};
