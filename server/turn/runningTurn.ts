/**
 * The narrow view of a running turn that tool calls work against: its id and
 * thread, its abort state, item notifications, approvals and the turn diff.
 * The engine's TurnRunner implements it; toolCalls.ts never sees the engine.
 */
import type { ClientSession } from '../core/session';
import type { TurnDiffTracker } from '../diff/turnDiff';
import type { ThreadItem } from '../../protocol/items';
import type { LoadedThread } from '../thread/loadedThread';
import type { HookContext } from './lifecycleHooks';
import type { ThreadTurnState } from './state';

export interface RunningTurn {
  readonly id: string;
  readonly thread: LoadedThread;
  readonly abort: AbortController;
  readonly diff: TurnDiffTracker;
  readonly state: ThreadTurnState;
  /** Set once `cancel` was chosen for an approval: the turn ends as interrupted. */
  cancelled: boolean;
  /** Approval requests of concurrent tool calls still unanswered. */
  approvalsPending: number;
  /** The client that answers approvals. */
  approver(): ClientSession | undefined;
  hookContext(): HookContext;
  notifyItem(kind: 'started' | 'completed', item: ThreadItem): void;
  /** Throws when the turn was interrupted or cancelled. */
  throwIfAborted(): void;
  /** Sends turn/diff/updated with the turn's current diff. */
  emitDiff(): void;
}
