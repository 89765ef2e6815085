/**
 * What the model is told when a conversation is compacted (our own wording):
 * the instruction for the summarization request, and the message that carries
 * the summary into later requests in place of the full history.
 */
import type { ResponseItem } from '../providers/modelClient';

/** Appended as a user message to the history sent for summarization. */
export const SUMMARIZE_INSTRUCTION = [
  'The conversation is about to be shortened to free room in the context window. Write a summary of it that lets you (or another assistant) pick the work up again from it alone, without the messages above.',
  '',
  'Cover:',
  '- the goal the user is pursuing and any constraints or preferences they stated;',
  '- what has been done so far: files read or changed, commands run and what they showed, decisions taken and why;',
  '- what is still open, as concrete next steps;',
  '- exact names, paths, values or snippets that the next steps depend on.',
  '',
  'Answer with the summary only: plain, compact, well structured, no tool calls.',
].join('\n');

/** Starts the message that replaces the compacted part of the history; also how such a message is recognised. */
export const SUMMARY_PREFIX =
  'Earlier turns of this conversation were condensed to save context. The user messages above are kept as they were; the briefing below covers everything else that happened (tool calls, results, decisions). Continue from it without redoing finished work.\n\n';

export function summaryMessage(summary: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text: `${SUMMARY_PREFIX}${summary}` }] };
}

/** The plain text of a message item (input or output parts). */
export function messageText(item: ResponseItem): string {
  const content = item.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

export function isSummaryMessage(item: ResponseItem): boolean {
  return item.type === 'message' && item.role === 'user' && messageText(item).startsWith(SUMMARY_PREFIX);
}

/**
 * A message the user typed, as opposed to context the server injected as a
 * user message (environment, AGENTS.md, interrupt and hook notes, summaries).
 */
export function isRealUserMessage(item: ResponseItem): boolean {
  if (item.type !== 'message' || item.role !== 'user') return false;
  const text = messageText(item);
  return !text.startsWith('<') && !text.startsWith('# AGENTS.md instructions') && !text.startsWith(SUMMARY_PREFIX);
}
