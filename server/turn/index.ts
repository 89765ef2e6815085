/** `turn/start`, `turn/steer` and `turn/interrupt`: the agent loop runs in TurnRunner (engine.ts). */
import type { NamespaceModule } from '../core/appServer';
import { invalidRequest } from '../rpc/errors';
import { TurnInterruptParams, TurnStartParams, TurnSteerParams } from '../../protocol/turn';
import type { Turn } from '../../protocol/items';
import { threadManagerOf } from '../thread/manager';
import { applyTurnOverrides } from '../thread/overrides';
import { TurnRunner } from './engine';
import { turnStateOf } from './state';
import { refusedInput } from './userContent';

/** The turn as turn/started and the turn/start response show it: no items yet. */
const startedView = (turn: Turn): Turn => ({ ...turn, items: [], itemsView: 'notLoaded' });

export const turnModule: NamespaceModule = (registry, server) => {
  const threads = threadManagerOf(server);

  registry.register('turn/start', TurnStartParams, (params, session) => {
    const thread = threads.getLoaded(params.threadId);
    const refused = refusedInput(params.input);
    if (refused) throw invalidRequest(refused);
    threads.subscribe(thread, session);
    const state = turnStateOf(thread);
    if (state.userShell) throw invalidRequest(`thread ${thread.id} is running a shell command; wait for it or interrupt it first`);
    if (state.active) {
      // A turn is running: this input joins it, as turn/steer would.
      state.active.steer(params.input, params.clientUserMessageId ?? null);
      return { turn: startedView(state.active.turn) };
    }

    applyTurnOverrides(thread, params);

    const turn = thread.beginTurn();
    thread.setStatus({ type: 'active', activeFlags: [] });
    thread.notify('turn/started', { threadId: thread.id, turn: startedView(turn) });
    const summary = params.summary ?? thread.config.model_reasoning_summary ?? null;
    const runner = new TurnRunner(server, thread, turn, session, params.input, params.clientUserMessageId ?? null, summary, params.outputSchema ?? null);
    state.active = runner;
    // Answer turn/start first; the loop streams its notifications afterwards.
    setImmediate(() => void runner.run());
    return { turn: startedView(turn) };
  });

  registry.register('turn/steer', TurnSteerParams, (params) => {
    const thread = threads.getLoaded(params.threadId);
    const active = turnStateOf(thread).active;
    if (!active) throw invalidRequest(`no active turn to steer in thread ${thread.id}`);
    const refused = refusedInput(params.input);
    if (refused) throw invalidRequest(refused);
    if (active.id !== params.expectedTurnId) {
      throw invalidRequest(`expected active turn ${params.expectedTurnId}, but the active turn is ${active.id}`);
    }
    active.steer(params.input, params.clientUserMessageId ?? null);
    return { turnId: active.id };
  });

  registry.register('turn/interrupt', TurnInterruptParams, async (params) => {
    const thread = threads.getLoaded(params.threadId);
    const userShell = turnStateOf(thread).userShell;
    if (userShell && userShell.turnId === params.turnId) {
      userShell.interrupted = true;
      userShell.kill();
      return {};
    }
    const active = turnStateOf(thread).active;
    if (!active) throw invalidRequest(`no active turn to interrupt in thread ${thread.id}`);
    if (active.id !== params.turnId) throw invalidRequest(`turn ${params.turnId} is not the active turn (${active.id})`);
    await active.interrupt();
    return {};
  });

  server.onDispose(async () => {
    await Promise.all(threads.loadedThreads().map((thread) => turnStateOf(thread).execSessions.killAll()));
  });
};
