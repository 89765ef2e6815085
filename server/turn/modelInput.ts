/**
 * Conversions between thread items and the model's Responses-API shapes used
 * by the turn engine: user input as content parts, token usage, output text.
 */
import fs from 'node:fs';
import path from 'node:path';
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

/** User input as Responses-API content parts (local images are inlined as data URLs). */
export function modelContentOf(input: UserInput[], cwd: string): object[] {
  const parts: object[] = [];
  for (const part of input) {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'input_text', text: part.text });
        break;
      case 'image':
        if (part.url) parts.push({ type: 'input_image', image_url: part.url, detail: part.detail ?? 'auto' });
        break;
      case 'localImage': {
        const file = path.resolve(cwd, part.path);
        try {
          const data = fs.readFileSync(file).toString('base64');
          const ext = path.extname(file).slice(1).toLowerCase().replace('jpg', 'jpeg') || 'png';
          parts.push({ type: 'input_image', image_url: `data:image/${ext};base64,${data}`, detail: part.detail ?? 'auto' });
        } catch {
          parts.push({ type: 'input_text', text: `(image ${file} could not be read)` });
        }
        break;
      }
      case 'skill':
        // The skill's file follows the message as its own `<skill>` message (skills/injection.ts).
        break;
      case 'mention':
        parts.push({ type: 'input_text', text: `[${part.name}](${part.path})` });
        break;
      default:
        break;
    }
  }
  return parts.length ? parts : [{ type: 'input_text', text: '' }];
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
