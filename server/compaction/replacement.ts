/**
 * The history that replaces a compacted one: the thread's initial context
 * (instructions, AGENTS.md, environment), the user's own messages (the most
 * recent ones, within a budget) and one summary message.
 */
import type { ResponseItem } from '../providers/modelClient';
import { estimateTokens } from './budget';
import { isRealUserMessage, summaryMessage } from './prompts';

/** Most tokens of kept user messages; older ones beyond it are dropped (the summary covers them). */
export const KEPT_USER_MESSAGES_TOKENS = 20_000;

/**
 * Where the compaction happens:
 * - `standalone` (thread/compact/start) and `preTurn` (before a turn's input): context, user messages, summary;
 * - `midTurn` (between two requests of a running turn): the context goes right before the turn's
 *   own latest message and the summary last, so the model continues where it was.
 */
export type CompactionPhase = 'standalone' | 'preTurn' | 'midTurn';

export function buildReplacementHistory(options: {
  history: readonly ResponseItem[];
  initialContext: ResponseItem[];
  summary: string;
  phase: CompactionPhase;
}): ResponseItem[] {
  const users = keptUserMessages(options.history);
  const summary = summaryMessage(options.summary);
  if (options.phase === 'midTurn' && users.length) {
    return [...users.slice(0, -1), ...options.initialContext, users[users.length - 1], summary];
  }
  return [...options.initialContext, ...users, summary];
}

/** The user's messages, newest kept first while within KEPT_USER_MESSAGES_TOKENS, in their original order. */
export function keptUserMessages(history: readonly ResponseItem[]): ResponseItem[] {
  const all = history.filter(isRealUserMessage);
  const kept: ResponseItem[] = [];
  let tokens = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    tokens += estimateTokens(all[i].content);
    if (tokens > KEPT_USER_MESSAGES_TOKENS && kept.length) break;
    kept.unshift(all[i]);
  }
  return kept;
}
