/** User input as the Responses-API content of a user message (text, images, mentions). */
import type { UserInput } from '../../protocol/items';
import { localImageParts, rejectedImageUrl, urlImageParts, type ContentPart } from '../images/promptImage';

export async function modelContentOf(input: UserInput[], cwd: string): Promise<object[]> {
  const parts: ContentPart[] = [];
  // Images are numbered in order across both kinds, as the reference numbers them.
  let imageIndex = 0;
  for (const part of input) {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'input_text', text: part.text });
        break;
      case 'image':
        imageIndex++;
        if (part.url) parts.push(...(await urlImageParts(part.url, part.detail)));
        break;
      case 'localImage':
        imageIndex++;
        parts.push(...(await localImageParts(part.path, part.detail, imageIndex, cwd)));
        break;
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

/** The input as a userMessage item shows it: images carry `detail` (null when not given), like the reference. */
export function userMessageContent(input: UserInput[]): UserInput[] {
  return input.map((part) => (part.type === 'image' || part.type === 'localImage' ? { ...part, detail: part.detail ?? null } : part)) as UserInput[];
}

/** Input the server refuses before a turn starts (a -32600 message), or null. */
export function refusedInput(input: UserInput[]): string | null {
  for (const part of input) {
    if (part.type === 'image') {
      const reason = rejectedImageUrl(part.url);
      if (reason) return reason;
    }
  }
  return null;
}
