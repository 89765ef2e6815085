/**
 * Reads the findings back out of a review's rendered text (the `review` of an
 * `exitedReviewMode` item: an explanation, then "- <title> — <path>:<start>-<end>"
 * entries with indented bodies). Both servers render it the same way; text
 * that is not in this layout (a malformed model answer) has no findings.
 */
import type { ReviewFindingView } from '../../webview/protocol';

export interface ParsedReview {
  explanation: string;
  findings: ReviewFindingView[];
}

const HEADERS = ['Review comment:', 'Full review comments:'];
const ENTRY = /^- (.*) — (\/.*|[A-Za-z]:\\.*):(\d+)-(\d+)$/;

export function parseReviewText(text: string): ParsedReview {
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((line) => HEADERS.includes(line.trim()));
  if (headerIndex < 0) return { explanation: text.trim(), findings: [] };
  const findings: ReviewFindingView[] = [];
  let current: ReviewFindingView | null = null;
  for (const line of lines.slice(headerIndex + 1)) {
    const entry = ENTRY.exec(line);
    if (entry) {
      const title = entry[1];
      const priority = /^\[P([0-3])\]/.exec(title);
      current = { title, priority: priority ? Number(priority[1]) : null, path: entry[2], startLine: Number(entry[3]), endLine: Number(entry[4]), body: '' };
      findings.push(current);
    } else if (current && (line.startsWith('  ') || line === '')) {
      current.body += (current.body ? '\n' : '') + line.slice(2);
    }
  }
  for (const finding of findings) finding.body = finding.body.trim();
  return { explanation: lines.slice(0, headerIndex).join('\n').trim(), findings };
}

/** The title without its "[P1] " tag (the badge shows the priority). */
export function titleWithoutTag(title: string): string {
  return title.replace(/^\[P[0-3]\]\s*/, '');
}
