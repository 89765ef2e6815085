import type { ThreadItem, UserInput } from '../../protocol/items';
import { withoutAddedContext } from '../../shared/addedContext';

const PREVIEW_MAX = 200;

/** The text a user typed, from userMessage content. */
function textOfUserInput(content: readonly UserInput[]): string {
  return content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .filter(Boolean)
    .join(' ')
    .trim();
}

/** A thread preview from its first user message ('' for other items). */
export function previewOfItem(item: ThreadItem): string {
  if (item.type !== 'userMessage') return '';
  return clipPreview(textOfUserInput(item.content));
}

/** One line of at most PREVIEW_MAX characters, without the context the extension adds (`/ide`). */
export function clipPreview(text: string): string {
  const oneLine = withoutAddedContext(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > PREVIEW_MAX ? oneLine.slice(0, PREVIEW_MAX) : oneLine;
}
