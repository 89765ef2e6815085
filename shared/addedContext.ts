/**
 * Context the extension adds to a prompt (the `/ide` block) travels in the same
 * text as what the user typed. Titles, previews and the transcript show only the
 * typed part: this removes the added blocks, including one cut off by a preview's
 * length limit (an opening tag without its close).
 */
export const IDE_CONTEXT_OPEN = '<ide_context>';
export const IDE_CONTEXT_CLOSE = '</ide_context>';

/** The text without any `<ide_context>` block, trimmed; blank lines left by a removed block are collapsed. */
export function withoutAddedContext(text: string): string {
  let rest = text;
  for (;;) {
    const start = rest.indexOf(IDE_CONTEXT_OPEN);
    if (start < 0) break;
    const end = rest.indexOf(IDE_CONTEXT_CLOSE, start);
    rest = rest.slice(0, start) + (end < 0 ? '' : rest.slice(end + IDE_CONTEXT_CLOSE.length));
  }
  return rest === text ? text.trim() : rest.replace(/\n{3,}/g, '\n\n').trim();
}

/** Whether the text carries an added `<ide_context>` block. */
export function hasAddedContext(text: string): boolean {
  return text.includes(IDE_CONTEXT_OPEN);
}
