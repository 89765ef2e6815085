/** What Fix sends to the chat for one finding (no VS Code imports: unit-tested). */
import type { ReviewFindingView } from '../../webview/protocol';
import { titleWithoutTag } from './parseReview';

/** The follow-up prompt of Fix: just this finding, where it is, and not to touch anything else. */
export function fixPrompt(finding: ReviewFindingView): string {
  const range = finding.endLine !== finding.startLine ? `lines ${finding.startLine}-${finding.endLine}` : `line ${finding.startLine}`;
  return [
    `Fix this code review finding, and only this one: ${titleWithoutTag(finding.title)}`,
    `Location: ${finding.path}, ${range}.`,
    finding.body ? `Details: ${finding.body}` : '',
    'Make the smallest change that resolves it, and say what you changed.',
  ]
    .filter(Boolean)
    .join('\n');
}
