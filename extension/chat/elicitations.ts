/**
 * `mcpServer/elicitation/request`s waiting for the user: each is an inline
 * form in the transcript (a server's question, or the approval of an MCP
 * tool call). The server's request stays open until the user accepts or
 * declines, or the turn ends / the server goes away (then `cancel`).
 */
import type { ElicitationAction } from '../../webview/protocol';
import { elicitationContent, elicitationFields } from '../mcp/mcpText';
import type { Transcript } from './transcript';

export interface ElicitationAnswer {
  action: ElicitationAction;
  content: Record<string, unknown> | null;
  _meta: null;
}

interface Pending {
  resolve(answer: ElicitationAnswer): void;
  turnId: string | null;
}

export class ElicitationQueue {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(
    private readonly transcript: Transcript,
    private readonly onAttention: (pending: number, latestTitle?: string) => void,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  ask(params: any): Promise<ElicitationAnswer> {
    const id = `elicitation-${++this.counter}`;
    const approval = params?._meta?.codex_approval_kind === 'mcp_tool_call';
    const message = String(params?.message ?? params?.description ?? 'The MCP server asks for input.');
    if (params?.mode !== 'form' && params?.mode !== undefined) {
      // URL and other modes need a browser round trip the chat does not offer yet: say so and decline.
      this.transcript.notice('warning', `${params.serverName} asked for input in "${params.mode}" mode, which the chat cannot show; it was declined.`);
      return Promise.resolve({ action: 'decline', content: null, _meta: null });
    }
    this.transcript.upsert({ kind: 'elicitation', id, serverName: String(params?.serverName ?? 'MCP server'), message, approval, fields: approval ? [] : elicitationFields(params?.requestedSchema) });
    return new Promise<ElicitationAnswer>((resolve) => {
      this.pending.set(id, { resolve, turnId: params?.turnId ?? null });
      this.onAttention(this.pending.size, message);
    });
  }

  /** The user's answer from the form; a bad value leaves the form open and throws the reason. */
  answer(id: string, action: ElicitationAction, values: Record<string, string | boolean> = {}): void {
    const pending = this.pending.get(id);
    const entry = this.transcript.get(id);
    if (!pending || entry?.kind !== 'elicitation') return;
    const content = action === 'accept' ? elicitationContent(entry.fields, values) : null;
    this.pending.delete(id);
    this.transcript.upsert({ ...entry, resolution: action });
    pending.resolve({ action, content, _meta: null });
    this.onAttention(this.pending.size);
  }

  /** Cancels the forms that can no longer be answered (their turn ended, or the server is gone). */
  closeAll(turnId?: string): void {
    for (const [id, pending] of [...this.pending]) {
      if (turnId && pending.turnId && pending.turnId !== turnId) continue;
      this.pending.delete(id);
      const entry = this.transcript.get(id);
      if (entry?.kind === 'elicitation') this.transcript.upsert({ ...entry, resolution: 'resolved' });
      pending.resolve({ action: 'cancel', content: null, _meta: null });
    }
    this.onAttention(this.pending.size);
  }
}
