/**
 * Approval requests waiting for the user. Each one is an inline card in the
 * transcript; the server's request stays unanswered until the user picks one
 * of the decisions the card offers, or the turn ends / the server goes away.
 */
import type { ApprovalDecision } from '../../webview/protocol';
import type { Transcript } from './transcript';

interface ApprovalRequest {
  approvalKind: 'command' | 'fileChange';
  title: string;
  detail: string;
  reason?: string;
  turnId?: string;
  /** The command or file-change item the request is about: its card says it waits meanwhile. */
  itemId?: string;
}

/** The decisions the v2 approval requests accept. */
const APPROVAL_DECISIONS: ApprovalDecision[] = ['accept', 'acceptForSession', 'decline', 'cancel'];

interface Pending {
  resolve(decision: ApprovalDecision): void;
  turnId?: string;
  itemId?: string;
}

export class ApprovalQueue {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(
    private readonly transcript: Transcript,
    /** Called whenever the number of waiting approvals changes (badge, notification). */
    private readonly onAttention: (pending: number, latestTitle?: string) => void,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Shows the card and resolves with the user's decision. */
  ask(request: ApprovalRequest): Promise<ApprovalDecision> {
    const id = `approval-${++this.counter}`;
    this.transcript.upsert({
      kind: 'approval',
      id,
      approvalKind: request.approvalKind,
      title: request.title,
      detail: request.detail,
      reason: request.reason,
      decisions: APPROVAL_DECISIONS,
    });
    return new Promise<ApprovalDecision>((resolve) => {
      this.pending.set(id, { resolve, turnId: request.turnId, itemId: request.itemId });
      if (request.itemId) this.transcript.setAwaitingApproval(request.itemId, true);
      this.onAttention(this.pending.size, request.title);
    });
  }


  /** The user's answer from the card. Unknown or already answered cards are ignored. */
  answer(id: string, decision: ApprovalDecision): void {
    const pending = this.pending.get(id);
    const entry = this.transcript.get(id);
    if (!pending || entry?.kind !== 'approval') return;
    if (!entry.decisions.includes(decision)) throw new Error(`"${decision}" is not a decision this request allows.`);
    this.pending.delete(id);
    this.transcript.upsert({ ...entry, resolution: decision });
    if (pending.itemId) this.transcript.setAwaitingApproval(pending.itemId, false);
    pending.resolve(decision);
    this.onAttention(this.pending.size);
  }

  /** Closes the cards that can no longer be answered (their turn ended, or the server is gone). */
  closeAll(turnId?: string): void {
    for (const [id, pending] of [...this.pending]) {
      if (turnId && pending.turnId && pending.turnId !== turnId) continue;
      this.pending.delete(id);
      const entry = this.transcript.get(id);
      if (entry?.kind === 'approval') this.transcript.upsert({ ...entry, resolution: 'resolved' });
      if (pending.itemId) this.transcript.setAwaitingApproval(pending.itemId, false);
      pending.resolve('cancel');
    }
    this.onAttention(this.pending.size);
  }
}
