/**
 * Asks a client to approve a command or a file change: sends the server
 * request, marks the thread `waitingOnApproval`, and once answered (or
 * cancelled by an interrupt) emits `serverRequest/resolved`.
 */
import type { ClientSession } from '../core/session';
import type { ApprovalRequestMethod, Notifier, ServerRequestParams, ThreadActiveFlag, ThreadStatus } from '../../protocol';

export type ApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** What the turn engine needs from a thread to ask for approvals. */
interface ApprovalHost extends Notifier {
  id: string;
  status: ThreadStatus;
  setStatus(status: ThreadStatus): void;
}

export async function requestApproval<M extends ApprovalRequestMethod>(
  thread: ApprovalHost,
  session: ClientSession | undefined,
  method: M,
  params: ServerRequestParams<M>,
  signal: AbortSignal,
  /** Runs right after the request is sent (the reference emits item/started then). */
  afterSend: () => void = () => {},
): Promise<ApprovalDecision> {
  if (!session || session.isClosed) {
    afterSend();
    return 'decline';
  }
  setWaiting(thread, true);
  const { id: requestId, result: answer } = session.startRequest(method, params);
  afterSend();
  let decision: ApprovalDecision;
  try {
    decision = await new Promise<ApprovalDecision>((resolve, reject) => {
      if (signal.aborted) return resolve('cancel');
      signal.addEventListener('abort', () => resolve('cancel'), { once: true });
      answer.then((result) => resolve(parseDecision(result)), reject);
    });
  } catch {
    decision = 'decline';
  }
  thread.notify('serverRequest/resolved', { threadId: thread.id, requestId });
  // The caller clears `waitingOnApproval` with endApprovalWait() once the item is settled.
  return decision;
}

function parseDecision(result: unknown): ApprovalDecision {
  const decision = (result as { decision?: unknown } | null)?.decision;
  if (decision === 'accept' || decision === 'acceptForSession' || decision === 'decline' || decision === 'cancel') return decision;
  // `acceptWithExecpolicyAmendment` and similar object forms approve this one command.
  if (decision && typeof decision === 'object') return 'accept';
  return 'decline';
}

/** Drops the `waitingOnApproval` flag (after a declined item completed, or before an approved one runs). */
export function endApprovalWait(thread: ApprovalHost): void {
  setWaiting(thread, false);
}

function setWaiting(thread: ApprovalHost, waiting: boolean): void {
  if (thread.status.type !== 'active') return;
  const flags: ThreadActiveFlag[] = thread.status.activeFlags.filter((flag) => flag !== 'waitingOnApproval');
  if (waiting) flags.push('waitingOnApproval');
  thread.setStatus({ type: 'active', activeFlags: flags });
}
