/** The context meter's data, from the last `thread/tokenUsage/updated` of the open thread (either server). */
import type { ContextUsage } from '../../webview/protocol';

interface Breakdown {
  totalTokens?: number;
  inputTokens?: number;
  outputTokens?: number;
}

export interface ThreadTokenUsageLike {
  total?: Breakdown;
  last?: Breakdown;
  modelContextWindow?: number | null;
}

const count = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

export function contextUsageOf(usage: ThreadTokenUsageLike | undefined): ContextUsage | undefined {
  if (!usage?.last && !usage?.total) return undefined;
  const window = count(usage.modelContextWindow);
  return {
    usedTokens: count(usage.last?.totalTokens),
    windowTokens: window || null,
    totalTokens: count(usage.total?.totalTokens),
    inputTokens: count(usage.total?.inputTokens),
    outputTokens: count(usage.total?.outputTokens),
  };
}
