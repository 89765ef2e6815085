/**
 * `review/start`: a code review of uncommitted changes, a branch, a commit or
 * custom instructions, run inline in the thread as the reference does. The
 * turn engine runs it in a ReviewMode (own instructions and conversation);
 * the target's diff comes from real git.
 */
import { v7 as uuidv7 } from 'uuid';
import type { NamespaceModule } from '../core/appServer';
import type { Turn } from '../../protocol/items';
import { invalidRequest } from '../rpc/errors';
import { threadManagerOf } from '../thread/manager';
import { TurnRunner } from '../turn/engine';
import { turnStateOf } from '../turn/state';
import { diffOfTarget } from './git';
import { ReviewStartParams } from '../../protocol/review';
import { ReviewMode } from './reviewMode';
import { targetLabel, targetRequest } from './target';

const nowSeconds = () => Math.floor(Date.now() / 1000);

export const reviewModule: NamespaceModule = (registry, server) => {
  const threads = threadManagerOf(server);

  registry.register('review/start', ReviewStartParams, async (params, session) => {
    // Like the reference (an unknown enum variant is an invalid request there, not invalid params).
    if (params.delivery && params.delivery !== 'inline') {
      throw invalidRequest(`Invalid request: unknown delivery \`${params.delivery}\`; reviews run inline (start a thread and review there for a separate review)`);
    }
    const thread = threads.getLoaded(params.threadId);
    threads.subscribe(thread, session);
    const state = turnStateOf(thread);
    if (state.active) throw invalidRequest(`a turn is already running in thread ${thread.id}; wait for it or interrupt it before starting a review`);
    const diff = await diffOfTarget(thread.cwd, params.target);
    if (state.active) throw invalidRequest(`a turn started in thread ${thread.id} while the review was being prepared`);

    const label = targetLabel(params.target);
    const turn = thread.beginTurn();
    const mode = new ReviewMode(thread, turn.id, params.target, diff);
    const input = [{ type: 'text' as const, text: targetRequest(params.target, diff), text_elements: [] }];
    const summary = thread.config.model_reasoning_summary ?? null;
    const runner = new TurnRunner(server, thread, turn, session, input, null, summary, null, 'turn', mode);
    mode.attach(runner);
    state.active = runner;

    setImmediate(() => {
      // The reference's order: the review-mode marker, the thread goes active, then the review's
      // own sub-turn starts (its id differs; its root is the turn review/start returned).
      mode.enter(label);
      thread.setStatus({ type: 'active', activeFlags: [] });
      const subTurn: Turn = { id: uuidv7(), rootTurnId: turn.id, items: [], itemsView: 'notLoaded', status: 'inProgress', error: null, startedAt: nowSeconds(), completedAt: null, durationMs: null };
      thread.notify('turn/started', { threadId: thread.id, turn: subTurn });
      void runner.run();
    });

    // As the reference answers: the turn (not started yet) with the target's label as its only item.
    const started: Turn = {
      id: turn.id,
      rootTurnId: null,
      items: [{ type: 'userMessage', id: turn.id, clientId: null, content: [{ type: 'text', text: label, text_elements: [] }], startedAtMs: null, completedAtMs: null }],
      itemsView: 'notLoaded',
      status: 'inProgress',
      error: null,
      startedAt: null,
      completedAt: null,
      durationMs: null,
    };
    return { turn: started, reviewThreadId: thread.id };
  });
};
