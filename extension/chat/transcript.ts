/**
 * The host-side transcript of the open thread: the list of chat entries built
 * from server items and notifications. It is the source of truth the webview
 * is (re)filled from, so the chat survives the view being hidden, disposed
 * and shown again. Every change is reported as a `HostToWebview` message.
 */
import { mcpResultText } from '../mcp/mcpText';
import type { AttachmentChip, ChatEntry, FileChangeSummary, HostToWebview, PlanStep } from '../../webview/protocol';
import type { FileUpdateChange, ThreadItem, Turn, UserInput } from '../../protocol';
import { parseReviewText } from '../review/parseReview';

import { hasAddedContext, withoutAddedContext } from '../../shared/addedContext';

type Post = (message: HostToWebview) => void;

export class Transcript {
  private entries: ChatEntry[] = [];
  private readonly byId = new Map<string, ChatEntry>();
  /** Items an unanswered approval holds (the request may come before or after the item). */
  private readonly itemsAwaitingApproval = new Set<string>();
  private noticeCounter = 0;
  /** The last review's text: the agent message repeating it is not shown twice. */
  private lastReviewText: string | undefined;

  constructor(private readonly post: Post) {}

  get all(): readonly ChatEntry[] {
    return this.entries;
  }

  get(id: string): ChatEntry | undefined {
    return this.byId.get(id);
  }

  /** Replaces everything (thread opened, resumed, cleared). The caller sends the snapshot. */
  reset(entries: ChatEntry[] = []): void {
    this.entries = entries;
    this.byId.clear();
    for (const entry of entries) this.byId.set(entry.id, entry);
  }

  /** Rebuilds the transcript from stored turns (`thread/read`, `thread/resume`). */
  static entriesFromTurns(turns: Turn[]): ChatEntry[] {
    const entries: ChatEntry[] = [];
    let lastReviewText: string | undefined;
    for (const turn of turns) {
      for (const item of turn.items ?? []) {
        if (isReviewEcho(item, lastReviewText)) continue;
        if (item.type === 'exitedReviewMode') lastReviewText = (item as any).review;
        const entry = entryFromItem(item, false);
        if (entry) entries.push(entry);
      }
      const outcome = turnOutcomeEntry(turn);
      if (outcome) entries.push(outcome);
    }
    return entries;
  }

  /** Adds older entries above the others (a page loaded on scroll-up); ids already shown are skipped. */
  prepend(entries: ChatEntry[]): void {
    const fresh = entries.filter((entry) => !this.byId.has(entry.id));
    if (!fresh.length) return;
    this.entries = [...fresh, ...this.entries];
    for (const entry of fresh) this.byId.set(entry.id, entry);
    this.post({ type: 'prepend', entries: fresh });
  }

  /** Marks a command or file-change item as held by an approval (its card says so, not "running"). */
  setAwaitingApproval(itemId: string, awaiting: boolean): void {
    if (awaiting) this.itemsAwaitingApproval.add(itemId);
    else this.itemsAwaitingApproval.delete(itemId);
    const entry = this.byId.get(itemId);
    if ((entry?.kind === 'command' || entry?.kind === 'fileChange') && Boolean(entry.awaitingApproval) !== awaiting) this.upsert(entry);
  }

  upsert(entry: ChatEntry): void {
    if (entry.kind === 'command' || entry.kind === 'fileChange') {
      const awaitingApproval = entry.status === 'inProgress' && this.itemsAwaitingApproval.has(entry.id);
      if (Boolean(entry.awaitingApproval) !== awaitingApproval) entry = { ...entry, awaitingApproval };
    }
    const existing = this.byId.get(entry.id);
    if (existing) {
      const index = this.entries.indexOf(existing);
      this.entries[index] = entry;
    } else {
      this.entries.push(entry);
    }
    this.byId.set(entry.id, entry);
    this.post({ type: 'upsert', entry });
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.byId.delete(id);
    this.post({ type: 'remove', id });
  }

  /** Adds or updates the entry for a server item. */
  upsertItem(item: ThreadItem, streaming: boolean): void {
    if (isReviewEcho(item, this.lastReviewText)) return;
    if (item.type === 'exitedReviewMode') this.lastReviewText = (item as any).review;
    const entry = entryFromItem(item, streaming);
    if (!entry) return;
    const existing = this.byId.get(entry.id);
    // A completed item without output keeps the output streamed so far.
    if (existing?.kind === 'command' && entry.kind === 'command' && !entry.output) entry.output = existing.output;
    if (existing?.kind === 'agent' && entry.kind === 'agent' && !entry.text) entry.text = existing.text;
    this.upsert(entry);
  }

  appendText(id: string, delta: string): void {
    let entry = this.byId.get(id);
    if (!entry) {
      entry = { kind: 'agent', id, text: '', streaming: true };
      this.upsert(entry);
    }
    if (entry.kind !== 'agent') return;
    entry.text += delta;
    this.post({ type: 'append', id, field: 'text', delta });
  }

  appendOutput(id: string, delta: string): void {
    const entry = this.byId.get(id);
    if (entry?.kind !== 'command') return;
    entry.output += delta;
    this.post({ type: 'append', id, field: 'output', delta });
  }

  appendSummary(id: string, index: number, delta: string): void {
    let entry = this.byId.get(id);
    if (!entry) {
      entry = { kind: 'reasoning', id, summary: [], streaming: true };
      this.upsert(entry);
    }
    if (entry.kind !== 'reasoning') return;
    while (entry.summary.length <= index) entry.summary.push('');
    entry.summary[index] += delta;
    this.post({ type: 'append', id, field: 'summary', index, delta });
  }

  setPlan(turnId: string, explanation: string | null, steps: PlanStep[]): void {
    this.upsert({ kind: 'plan', id: `plan-${turnId}`, explanation, steps });
  }

  /** Adds a notice; giving an `id` replaces the earlier notice with that id instead. */
  notice(level: 'error' | 'warning' | 'info', text: string, id?: string): void {
    this.upsert({ kind: 'notice', id: id ?? `notice-${Date.now()}-${++this.noticeCounter}`, level, text });
  }

  /** Ends every streaming entry (turn finished, server died). */
  finishStreaming(): void {
    // A compaction that never completed (it failed or was stopped) did not happen: the turn's error says why.
    for (const entry of this.entries.filter((e) => e.kind === 'marker' && e.pending)) this.remove(entry.id);
    // A review's raw model answer is started but never filled (its findings come as a review entry).
    for (const entry of [...this.entries]) if (entry.kind === 'agent' && entry.streaming && !entry.text) this.remove(entry.id);
    for (const entry of this.entries) {
      if ((entry.kind === 'agent' || entry.kind === 'reasoning') && entry.streaming) {
        this.upsert({ ...entry, streaming: false });
      }
    }
  }
}

/** The final agent message of a review repeats the findings the review entry already shows. */
function isReviewEcho(item: ThreadItem, lastReviewText: string | undefined): boolean {
  return item.type === 'agentMessage' && lastReviewText !== undefined && (item as any).text === lastReviewText;
}

/** Maps one server item to a chat entry (undefined for items the chat does not show). */
export function entryFromItem(item: ThreadItem, streaming: boolean): ChatEntry | undefined {
  const it = item as any;
  switch (item.type) {
    case 'userMessage': {
      const inputs = (it.content ?? []) as UserInput[];
      const sent = inputs
        .filter((input): input is Extract<UserInput, { type: 'text' }> => input.type === 'text')
        .map((input) => input.text)
        .join('\n');
      // The bubble shows what the user typed; the `/ide` block it carried becomes a chip again.
      const text = withoutAddedContext(sent);
      const attachments = [
        ...(hasAddedContext(sent) ? [{ label: 'IDE context' }] : []),
        ...inputs.flatMap((input): AttachmentChip[] => {
          if (input.type === 'mention') return [{ label: `@${input.name}`, details: input.path }];
          if (input.type === 'skill') return [{ label: `$${input.name}`, details: input.path, skill: true }];
          // Images come back with the thread: data URLs as thumbnails, local files by name.
          if (input.type === 'image') {
            const url = input.url ?? '';
            return [{ label: 'image', image: url.startsWith('data:image/') ? url : undefined, details: url.startsWith('data:') ? undefined : url || undefined }];
          }
          if (input.type === 'localImage') return [{ label: input.path.split(/[\\/]/).pop() ?? input.path, details: input.path }];
          return [];
        }),
      ];
      return { kind: 'user', id: it.id, text, attachments: attachments.length ? attachments : undefined };
    }
    case 'agentMessage':
      return { kind: 'agent', id: it.id, text: it.text ?? '', streaming };
    case 'reasoning':
      return { kind: 'reasoning', id: it.id, summary: [...(it.summary ?? [])], streaming };
    case 'plan':
      return { kind: 'agent', id: it.id, text: it.text ?? '', streaming };
    case 'commandExecution':
      return {
        kind: 'command',
        id: it.id,
        command: it.command ?? '',
        cwd: it.cwd ?? '',
        output: it.aggregatedOutput ?? '',
        exitCode: it.exitCode ?? null,
        status: it.status ?? 'inProgress',
        durationMs: it.durationMs ?? null,
      };
    case 'fileChange':
      return { kind: 'fileChange', id: it.id, files: (it.changes ?? []).map(summarizeChange), status: it.status ?? 'inProgress' };
    case 'mcpToolCall':
      return {
        kind: 'mcpTool',
        id: it.id,
        server: String(it.server),
        tool: String(it.tool),
        status: it.status ?? 'inProgress',
        arguments: JSON.stringify(it.arguments ?? {}, null, 2),
        result: mcpResultText(it.result),
        error: it.error?.message,
        durationMs: it.durationMs ?? null,
      };
    case 'dynamicToolCall':
      return { kind: 'tool', id: it.id, title: String(it.tool), status: it.status };
    case 'webSearch':
      return { kind: 'tool', id: it.id, title: `Web search: ${it.query ?? ''}`, status: 'completed' };
    case 'contextCompaction':
      return streaming ? { kind: 'marker', id: it.id, text: 'Compacting context…', pending: true } : { kind: 'marker', id: it.id, text: 'Context compacted' };
    case 'enteredReviewMode':
      return { kind: 'notice', id: it.id, level: 'info', text: `Reviewing ${it.review}…` };
    case 'exitedReviewMode': {
      const review = parseReviewText(it.review ?? '');
      return { kind: 'review', id: it.id, explanation: review.explanation, findings: review.findings };
    }
    default:
      return undefined;
  }
}

/** Counts added/removed lines of one file change. */
export function summarizeChange(change: FileUpdateChange): FileChangeSummary {
  const kind = change.kind?.type ?? 'update';
  const lines = (change.diff ?? '').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let added = 0;
  let removed = 0;
  const isUnified = lines.some((line) => line.startsWith('@@'));
  if (isUnified) {
    for (const line of lines) {
      if (line.startsWith('+++') || line.startsWith('---')) continue;
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
  } else if (kind === 'add') {
    added = lines.length;
  } else if (kind === 'delete') {
    removed = lines.length;
  }
  const movePath = change.kind?.type === 'update' ? (change.kind.move_path ?? undefined) : undefined;
  return { path: change.path, kind, movePath, added, removed };
}

/** The line after a turn that did not complete: its error, or "Turn interrupted.". */
export function turnOutcomeEntry(turn: Pick<Turn, 'id' | 'status' | 'error'>): ChatEntry | undefined {
  if (turn.status === 'failed' && turn.error) return { kind: 'notice', id: turnErrorNoticeId(turn.id), level: 'error', text: turn.error.message };
  if (turn.status === 'interrupted') return { kind: 'notice', id: `turn-interrupted-${turn.id}`, level: 'info', text: 'Turn interrupted.' };
  return undefined;
}

/** One error notice per failed turn, whether it came from `error`, `turn/completed` or `thread/read`. */
export function turnErrorNoticeId(turnId: string): string {
  return `turn-error-${turnId}`;
}
