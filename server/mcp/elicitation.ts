/**
 * `mcpServer/elicitation/request`: a question for the user, either from an MCP
 * server (`elicitation/create`) or the reference-style approval of an MCP tool
 * call. The thread shows `waitingOnApproval` meanwhile; `serverRequest/resolved`
 * follows the answer. No client, a closed one, or an interrupt means `cancel`.
 */
import type { ClientSession } from '../core/session';
import type { ThreadActiveFlag, ThreadStatus } from '../../protocol/items';

export interface ElicitationParams {
  threadId: string;
  turnId: string | null;
  serverName: string;
  mode: 'form';
  _meta: Record<string, unknown> | null;
  message: string;
  requestedSchema: Record<string, unknown>;
}

export interface ElicitationAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content: Record<string, unknown> | null;
  _meta: unknown;
}

export interface ElicitationHost {
  id: string;
  status: ThreadStatus;
  setStatus(status: ThreadStatus): void;
  notify(method: string, params: unknown): void;
}

/** Open elicitations per thread: the flag stays while any is unanswered. */
const open = new WeakMap<ElicitationHost, number>();

export async function requestElicitation(thread: ElicitationHost, session: ClientSession | undefined, params: ElicitationParams, signal?: AbortSignal): Promise<ElicitationAnswer> {
  if (!session || session.isClosed) return { action: 'cancel', content: null, _meta: null };
  open.set(thread, (open.get(thread) ?? 0) + 1);
  setWaiting(thread, true);
  const { id: requestId, result } = session.startRequest('mcpServer/elicitation/request', params);
  let answer: ElicitationAnswer;
  try {
    answer = await new Promise<ElicitationAnswer>((resolve, reject) => {
      if (signal?.aborted) return resolve({ action: 'cancel', content: null, _meta: null });
      signal?.addEventListener('abort', () => resolve({ action: 'cancel', content: null, _meta: null }), { once: true });
      result.then((value) => resolve(parseAnswer(value)), reject);
    });
  } catch {
    answer = { action: 'cancel', content: null, _meta: null };
  }
  thread.notify('serverRequest/resolved', { threadId: thread.id, requestId });
  const left = (open.get(thread) ?? 1) - 1;
  open.set(thread, left);
  if (left === 0) setWaiting(thread, false);
  return answer;
}

function parseAnswer(value: unknown): ElicitationAnswer {
  const answer = (value ?? {}) as Partial<ElicitationAnswer>;
  const action = answer.action === 'accept' || answer.action === 'decline' || answer.action === 'cancel' ? answer.action : 'decline';
  const content = answer.content && typeof answer.content === 'object' && !Array.isArray(answer.content) ? answer.content : null;
  return { action, content: action === 'accept' ? content : null, _meta: answer._meta ?? null };
}

function setWaiting(thread: ElicitationHost, waiting: boolean): void {
  if (thread.status.type !== 'active') return;
  const flags: ThreadActiveFlag[] = thread.status.activeFlags.filter((flag) => flag !== 'waitingOnApproval');
  if (waiting) flags.push('waitingOnApproval');
  thread.setStatus({ type: 'active', activeFlags: flags });
}
