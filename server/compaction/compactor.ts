/**
 * Compacts a thread's model history inside a turn: asks the model for a
 * summary (same provider, a plain streamed Responses request without tools),
 * then replaces the history with the initial context, the user's messages and
 * that summary. The turn shows one `contextCompaction` item; nothing else.
 *
 * If the summary cannot be produced the history is left exactly as it was and
 * `CompactionFailed` explains why (the turn then fails with that message).
 */
import { v7 as uuidv7 } from 'uuid';
import type { AppServer } from '../core/appServer';
import type { ContextCompactionItem, ThreadItem, TokenUsageBreakdown, Turn } from '../../protocol/items';
import { ModelError, type ModelClient, type ResponseItem, type Usage } from '../providers/modelClient';
import type { LoadedThread } from '../thread/loadedThread';
import { agentsInstructions, BASE_INSTRUCTIONS, developerMessage, environmentContext, userMessage } from '../turn/context';
import { toBreakdown } from '../turn/modelInput';
import type { ThreadTurnState } from '../turn/state';
import { effectiveContextWindow, estimateTokens } from './budget';
import { messageText, SUMMARIZE_INSTRUCTION } from './prompts';
import { buildReplacementHistory, type CompactionPhase } from './replacement';

/** What compaction needs from the running turn (TurnRunner provides it). */
export interface CompactionHost {
  readonly server: AppServer;
  readonly thread: LoadedThread;
  readonly turn: Turn;
  readonly state: ThreadTurnState;
  readonly abort: AbortController;
  notifyItem(kind: 'started' | 'completed', item: ThreadItem): void;
}

/** The summary could not be produced; the history is unchanged. */
export class CompactionFailed extends Error {
  constructor(
    message: string,
    readonly codexErrorInfo: unknown,
  ) {
    super(message);
  }
}

const RETRY_BASE_MS = 200;

/** Turn error when the history does not fit even after compacting it. */
export const CONTEXT_WINDOW_FULL =
  "The conversation no longer fits in the model's context window, even after compacting it. Start a new thread, or shorten what the next message includes.";

/** Compacts; if no summary can be produced, reports the error (the turn fails) and the history stays as it was. */
export async function compactOrFail<E>(
  host: CompactionHost,
  client: ModelClient,
  phase: CompactionPhase,
  report: (message: string, codexErrorInfo: unknown) => E,
): Promise<{ status: 'failed'; error: E } | null> {
  try {
    await compactHistory(host, client, phase);
    return null;
  } catch (error) {
    if (error instanceof CompactionFailed && !host.abort.signal.aborted) return { status: 'failed', error: report(error.message, error.codexErrorInfo) };
    throw error;
  }
}

export async function compactHistory(host: CompactionHost, client: ModelClient, phase: CompactionPhase): Promise<void> {
  const { thread, turn } = host;
  const item: ContextCompactionItem = { type: 'contextCompaction', id: uuidv7() };
  host.notifyItem('started', item);
  // Like the reference, the compaction turn restates the usage it starts from.
  if (thread.tokenUsage) thread.notify('thread/tokenUsage/updated', { threadId: thread.id, turnId: turn.id, tokenUsage: thread.tokenUsage });

  const instructions = thread.baseInstructions ?? BASE_INSTRUCTIONS;
  const { summary, usage } = await summarize(host, client, instructions);
  if (host.abort.signal.aborted) throw new CompactionFailed('interrupted', 'other');
  if (usage) thread.updateTokenUsage(turn.id, toBreakdown(usage), effectiveContextWindow(thread));

  const environment = environmentContext(thread.cwd, thread.sandbox, thread.approvalPolicy);
  const initialContext: ResponseItem[] = [];
  if (thread.developerInstructions) initialContext.push(developerMessage(thread.developerInstructions));
  const agents = agentsInstructions(host.server.codexHome, thread.cwd);
  if (agents) initialContext.push(agents);
  initialContext.push(environment);

  const replacement = buildReplacementHistory({ history: thread.history, initialContext, summary, phase });
  thread.replaceHistory(replacement, summary);
  // The new history restates the environment: the next request need not repeat it.
  host.state.lastEnvironmentContext = JSON.stringify(environment);
  // Until the next response reports real usage, `last` is an estimate of the new history (as the reference does).
  const estimate = estimateTokens(instructions, replacement);
  thread.updateTokenUsage(turn.id, { ...zeroUsage(), totalTokens: estimate }, effectiveContextWindow(thread), { addToTotal: false });
  host.notifyItem('completed', item);
}

/** One summarization request, retried like a turn's requests when the failure is transient. */
async function summarize(host: CompactionHost, client: ModelClient, instructions: string): Promise<{ summary: string; usage: Usage | null }> {
  const { thread, turn } = host;
  const request = {
    model: thread.model,
    instructions,
    input: [...thread.history.filter(replayable), userMessage(SUMMARIZE_INSTRUCTION)],
    tools: [],
    reasoningEffort: thread.reasoningEffort,
    promptCacheKey: thread.id,
    headers: { session_id: thread.id, 'x-codex-turn-id': turn.id },
  };
  const budget = Math.max(client.provider.requestMaxRetries, client.provider.streamMaxRetries);
  for (let attempt = 0; ; attempt++) {
    try {
      let summary = '';
      let usage: Usage | null = null;
      for await (const event of client.stream(request, host.abort.signal)) {
        if (event.type === 'itemDone' && event.item.type === 'message') summary += messageText(event.item);
        if (event.type === 'completed') usage = event.usage;
      }
      summary = summary.trim();
      if (!summary) throw new CompactionFailed('Could not compact the conversation: the model returned an empty summary. The history is unchanged.', 'other');
      return { summary, usage };
    } catch (error) {
      if (host.abort.signal.aborted || error instanceof CompactionFailed) throw error;
      if (error instanceof ModelError && error.retryable && attempt < budget) {
        await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_MS * 2 ** attempt));
        continue;
      }
      const message = (error as Error)?.message ?? String(error);
      const info = error instanceof ModelError && typeof error.codexErrorInfo === 'string' ? error.codexErrorInfo : 'other';
      throw new CompactionFailed(`Could not compact the conversation: ${message}. The history is unchanged.`, info);
    }
  }
}

/** Reasoning without encrypted content cannot be replayed with `store: false` (same rule as a turn's requests). */
function replayable(item: ResponseItem): boolean {
  return item.type !== 'reasoning' || typeof item.encrypted_content === 'string';
}

function zeroUsage(): TokenUsageBreakdown {
  return { totalTokens: 0, inputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0 };
}
