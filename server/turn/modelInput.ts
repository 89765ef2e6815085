/**
 * Conversions between thread items and the model's Responses-API shapes used
 * by the turn engine: token usage, output text (user input as content parts: userContent.ts).
 */
import type { UserInput } from '../../protocol/items';
import type { ResponseItem, Usage } from '../providers/modelClient';

export function toBreakdown(usage: Usage) {
  return {
    totalTokens: usage.totalTokens,
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    cacheWriteInputTokens: 0,
    outputTokens: usage.outputTokens,
    reasoningOutputTokens: usage.reasoningOutputTokens,
  };
}

export function outputText(raw: ResponseItem): string {
  const content = raw.content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { type?: string; text?: string }) => (part.type === 'output_text' || part.type === 'text' ? (part.text ?? '') : '')).join('');
}

/** Reasoning items without encrypted content cannot be replayed with `store: false`. */
export function sendableToModel(item: ResponseItem): boolean {
  return item.type !== 'reasoning' || typeof item.encrypted_content === 'string';
}

export function textOfInput(input: UserInput[]): string {
  return input
    .map((part) => (part.type === 'text' ? part.text : part.type === 'mention' || part.type === 'skill' ? `$${part.name}` : ''))
    .filter(Boolean)
    .join('\n');
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
