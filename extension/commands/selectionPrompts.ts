/**
 * Prompts for "Send Selection", "Explain Selection" and "Fix Selection",
 * and the composer text of "Add File to Chat". Pure.
 */
import path from 'node:path';
import type { PromptAttachment } from '../services';
import { capUtf8, IDE_LIMITS, isSecretPath, TRUNCATION_MARKER } from '../ide/ideContext';
import { countOf } from '../../shared/plural';

export type SelectionAction = 'send' | 'explain' | 'fix';

export interface EditorSelection {
  filePath: string;
  /** Path shown to the model: relative to the workspace when inside it. */
  displayPath: string;
  languageId: string;
  startLine: number;
  endLine: number;
  text: string;
  /** Problems reported inside the selection (for Fix). */
  problems?: { severity: 'error' | 'warning'; line: number; message: string }[];
}

const INSTRUCTIONS: Record<SelectionAction, string> = {
  send: '',
  explain: 'Explain what the selected code does, step by step, and point out anything surprising.',
  fix: 'Fix the problems in the selected code. Keep the change minimal and explain what was wrong.',
};

function selectionAttachment(selection: EditorSelection): PromptAttachment {
  const capped = capUtf8(selection.text, IDE_LIMITS.selectionBytes);
  const longestTicks = Math.max(2, ...[...capped.text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longestTicks + 1);
  const lines = selection.startLine === selection.endLine ? `line ${selection.startLine}` : `lines ${selection.startLine}-${selection.endLine}`;
  const body = [`<selection path=${JSON.stringify(selection.displayPath)} lines="${selection.startLine}-${selection.endLine}" language="${selection.languageId}">`, `${fence}${selection.languageId}`, capped.text, fence];
  if (capped.truncated) body.push(`${TRUNCATION_MARKER} ${countOf(capped.bytes, 'byte')}]`);
  if (selection.problems?.length) {
    body.push('Problems reported in this range:');
    for (const p of selection.problems.slice(0, IDE_LIMITS.diagnosticsPerFile)) body.push(`- ${p.severity} line ${p.line}: ${p.message.slice(0, IDE_LIMITS.diagnosticMessageChars)}`);
  }
  body.push('</selection>');
  return {
    label: `${path.basename(selection.filePath)}:${selection.startLine}${selection.endLine !== selection.startLine ? `-${selection.endLine}` : ''}${capped.truncated ? ' (truncated)' : ''}`,
    text: body.join('\n'),
    // The selection itself is the user's explicit choice; a secret file still gets no mention the agent could open.
    files: isSecretPath(selection.filePath) ? [] : [{ name: path.basename(selection.filePath), path: selection.filePath }],
    details: `${selection.displayPath} ${lines}, ${countOf(capped.bytes, 'byte')}${capped.truncated ? ' (truncated to 16 KiB)' : ''}`,
  };
}

/** The prompt text and attachment a selection command sends. */
export function selectionPrompt(action: SelectionAction, selection: EditorSelection, userText = ''): { text: string; attachments: PromptAttachment[] } {
  const text = [INSTRUCTIONS[action], userText.trim()].filter(Boolean).join('\n\n') || `Look at ${selection.displayPath} ${selection.startLine}-${selection.endLine}.`;
  return { text, attachments: [selectionAttachment(selection)] };
}

/** `@path` mention for the composer; quoted when the path has spaces. */
export function fileMention(displayPath: string): string {
  const normalized = displayPath.replace(/\\/g, '/');
  return /\s/.test(normalized) ? `@"${normalized}" ` : `@${normalized} `;
}
