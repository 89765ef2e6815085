/** Thread goals (experimental thread/goal/*): kept on the loaded thread, or appended to a stored thread's rollout. */
import type { AppServer } from '../core/appServer';
import { afterResponse } from '../rpc/afterResponse';
import { invalidParams } from '../rpc/errors';
import type { ThreadGoal } from '../../protocol/items';
import type { ThreadGoalSetParams } from '../../protocol/thread';
import { validateThreadId, type ThreadManager } from './manager';
import { appendToRollout, type StoredThreads } from './storedThreads';

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class ThreadGoals {
  constructor(
    private readonly server: AppServer,
    private readonly manager: ThreadManager,
    private readonly stored: StoredThreads,
  ) {}

  get(threadId: string): { goal: ThreadGoal | null } {
    return { goal: this.current(validateThreadId(threadId)) };
  }

  set(params: ThreadGoalSetParams): { goal: ThreadGoal } {
    const id = validateThreadId(params.threadId);
    const current = this.current(id);
    const now = nowSeconds();
    let goal: ThreadGoal;
    if (current) {
      goal = {
        ...current,
        objective: params.objective ?? current.objective,
        status: params.status ?? current.status,
        tokenBudget: params.tokenBudget !== undefined ? params.tokenBudget : current.tokenBudget,
        updatedAt: now,
      };
    } else {
      if (!params.objective) throw invalidParams('Invalid params: objective: required to create a goal');
      goal = {
        threadId: id,
        objective: params.objective,
        status: params.status ?? 'active',
        tokenBudget: params.tokenBudget ?? null,
        tokensUsed: 0,
        timeUsedSeconds: 0,
        createdAt: now,
        updatedAt: now,
      };
    }
    this.persist(id, goal);
    const turnId = this.manager.findLoaded(id)?.activeTurn?.id ?? null;
    afterResponse(() => this.server.broadcast('thread/goal/updated', { threadId: id, turnId, goal }));
    return { goal };
  }

  clear(threadId: string): { cleared: boolean } {
    const id = validateThreadId(threadId);
    if (!this.current(id)) return { cleared: false };
    this.persist(id, null);
    afterResponse(() => this.server.broadcast('thread/goal/cleared', { threadId: id }));
    return { cleared: true };
  }

  private current(id: string): ThreadGoal | null {
    const loaded = this.manager.findLoaded(id);
    if (loaded) return loaded.goal;
    return this.stored.parseStored(this.stored.requireStored(id)).goal;
  }

  private persist(id: string, goal: ThreadGoal | null): void {
    const loaded = this.manager.findLoaded(id);
    if (loaded) {
      loaded.setGoal(goal);
      return;
    }
    const summary = this.stored.requireStored(id);
    appendToRollout(summary.path, goal ? { type: 'thread_goal_updated', goal } : { type: 'thread_goal_cleared', thread_id: id });
    this.stored.store.upsert(summary);
  }
}
